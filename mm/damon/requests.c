// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON core: requests, the way other threads reach a running context.
 *
 * Map of this file:
 *   the DOC section	how a request lives and dies
 *   callers		damon_request() and its two halves
 *   kdamond		claiming, calling, walking and cancelling requests
 *
 * core.c calls the kdamond side at its safe points, through the functions
 * declared in core-internal.h.
 */

#include <linux/completion.h>
#include <linux/damon.h>
#include <linux/export.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "core-internal.h"

/**
 * DOC: requests
 *
 * A request is queued on &damon_ctx.requests, where it stays until the
 * kdamond claims it to call its function: at the next safe point between
 * two samplings, or after the next aggregation if it asks for one.  A walk
 * request is claimed for each application of the schemes until every
 * active scheme has walked it, and put back on the queue in between.  While
 * a request is on the queue its waiter may take it back, when a signal ends
 * the wait.  Once claimed, it is the kdamond's until the kdamond completes
 * it or puts it back, which takes no longer than the function or one
 * application of the schemes: a waiter interrupted then waits for that,
 * uninterruptibly, and a walk request it gave up is dropped instead of put
 * back.
 *
 * One lock protects the queues of all contexts, damon_requests_lock, rather
 * than a lock in each context: a waiter that gives up must learn whether
 * its request is still queued without touching the context, which may be
 * gone by then.  A context that has a request on its queue is alive: its
 * kdamond cancels the whole queue, under the lock, before it clears
 * &damon_ctx.kdamond, and only then may the context be freed.
 */

/*
 * Protects the &damon_ctx.requests queues, the state of the requests on
 * them, and &damon_ctx.kdamond_idle.  Nests inside &damon_ctx.kdamond_lock.
 */
static DEFINE_SPINLOCK(damon_requests_lock);

/* === callers === */

/**
 * damon_request_queue() - Queue a request for a running kdamond.
 * @ctx:	The running context.
 * @req:	The request: @req->fn, @req->arg, @req->after_aggregation and
 *		@req->walk_fn set by the caller.  Must stay valid until
 *		damon_request_wait() returns.
 *
 * The first half of damon_request(), for callers that must not hold their
 * own locks while they wait: @ctx must stay valid during this call only.
 * A request that was queued must be waited for with damon_request_wait().
 *
 * Context: Process context.  Not from the kdamond of @ctx itself.
 * Return: 0 if @req was queued, -EINVAL if @req->fn is NULL, -ESRCH if
 * @ctx is not running, -EDEADLK if called by the kdamond of @ctx.
 */
int damon_request_queue(struct damon_ctx *ctx, struct damon_request *req)
{
	int err = 0;

	if (!req->fn)
		return -EINVAL;
	init_completion(&req->done);
	req->canceled = false;
	req->claimed = false;
	req->abandoned = false;
	req->aggregated = false;
	req->walk_seq = 0;
	req->result = 0;

	spin_lock(&ctx->kdamond_lock);
	if (!ctx->kdamond) {
		err = -ESRCH;
	} else if (WARN_ON_ONCE(ctx->kdamond == current)) {
		err = -EDEADLK;
	} else {
		spin_lock(&damon_requests_lock);
		list_add_tail(&req->list, &ctx->requests);
		/* An idle kdamond sleeps for a watermark interval: wake it. */
		if (ctx->kdamond_idle)
			wake_up_process(ctx->kdamond);
		spin_unlock(&damon_requests_lock);
	}
	spin_unlock(&ctx->kdamond_lock);
	return err;
}
EXPORT_SYMBOL_GPL(damon_request_queue);

/**
 * damon_request_wait() - Wait for a queued request to be done.
 * @req:	A request damon_request_queue() queued.
 *
 * Waits until the kdamond has called @req->fn, or has dropped @req because
 * it ended.  A signal ends the wait: if the kdamond has not claimed @req
 * yet, @req is taken off its queue and never called; otherwise the wait
 * goes on until the kdamond is done with it, which it is within the call
 * of @req->fn or the pass of the schemes that walks it.  @req is the
 * caller's again when this returns, and the context is not touched.
 *
 * Context: Process context; sleeps.
 * Return: 0 if @req->fn was called (its return value is in @req->result),
 * -ECANCELED if the kdamond ended first, -EINTR if a signal came first.
 */
int damon_request_wait(struct damon_request *req)
{
	bool taken_back = false;

	if (wait_for_completion_interruptible(&req->done)) {
		spin_lock(&damon_requests_lock);
		if (!req->claimed) {
			list_del(&req->list);
			taken_back = true;
		} else {
			req->abandoned = true;
		}
		spin_unlock(&damon_requests_lock);
		if (taken_back)
			return -EINTR;
		wait_for_completion(&req->done);
	}
	if (req->canceled)
		return req->abandoned ? -EINTR : -ECANCELED;
	return 0;
}
EXPORT_SYMBOL_GPL(damon_request_wait);

/**
 * damon_request() - Make the kdamond of a context call a function.
 * @ctx:	The running context.
 * @req:	The request: @req->fn, @req->arg, @req->after_aggregation and
 *		@req->walk_fn set by the caller.  Must stay valid until this
 *		returns.
 *
 * Queues @req and waits until the kdamond has called @req->fn with @ctx and
 * @req->arg, at a point between two samplings where the function may read
 * and change the context, its targets and regions freely.  A request with
 * @req->after_aggregation set is called only after an aggregation interval
 * that ended after it was queued.  A request with @req->walk_fn set waits
 * until every active scheme has been applied once, however long that takes:
 * @req->walk_fn is called for each region each scheme tries in that
 * application, and @req->fn right after the last of them, so that it sees
 * the statistics they left.  If the context has no scheme, or no scheme is
 * active because of its watermarks, it is called at the next safe point
 * without a walk.  If the kdamond ends before calling it, the request is
 * dropped.  A signal ends the wait as described for damon_request_wait().
 *
 * Context: Process context; sleeps.  Not from the kdamond of @ctx itself.
 * @ctx must stay valid until this returns.
 * Return: 0 if @req->fn was called (its return value is in @req->result),
 * -EINVAL if @req->fn is NULL, -ESRCH if @ctx is not running, -EDEADLK if
 * called by the kdamond of @ctx, -ECANCELED if the kdamond ended first,
 * -EINTR if a signal came first.
 */
int damon_request(struct damon_ctx *ctx, struct damon_request *req)
{
	int err = damon_request_queue(ctx, req);

	return err ? err : damon_request_wait(req);
}
EXPORT_SYMBOL_GPL(damon_request);

/* === kdamond === */

/* Call a claimed request.  After complete() it may be gone: hands off. */
static void kdamond_call_request(struct damon_ctx *ctx,
				 struct damon_request *req)
{
	list_del(&req->list);
	req->result = req->fn(ctx, req->arg);
	complete(&req->done);
}

/* Drop the requests of @list, claimed or queued, without calling them. */
static void damon_cancel_request_list(struct list_head *list)
{
	struct damon_request *req, *next;

	list_for_each_entry_safe(req, next, list, list) {
		list_del(&req->list);
		req->claimed = true;
		req->canceled = true;
		complete(&req->done);
	}
}

/*
 * Whether every active scheme of @ctx has walked @req, which is true at once
 * when none is active.  A request the kdamond has not numbered yet was
 * walked by none.
 */
static bool kdamond_walk_done(struct damon_ctx *ctx,
			      struct damon_request *req)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (s->wmarks.activated &&
		    (!req->walk_seq || s->walk_seq < req->walk_seq))
			return false;
	}
	return true;
}

/* Whether a request may be called at a safe point. */
static bool kdamond_request_due(struct damon_ctx *ctx,
				struct damon_request *req)
{
	/* A commit may have removed or deactivated the awaited schemes. */
	if (req->walk_fn && !kdamond_walk_done(ctx, req))
		return false;
	return !req->after_aggregation || req->aggregated;
}

/*
 * Claim the queued requests of @ctx into @claimed: every one if @all, else
 * those @walk selects (the walkers of a pass of the schemes, or those due
 * at a safe point).
 */
static void kdamond_claim_requests(struct damon_ctx *ctx,
				   struct list_head *claimed, bool all,
				   bool walk)
{
	struct damon_request *req, *next;

	spin_lock(&damon_requests_lock);
	list_for_each_entry_safe(req, next, &ctx->requests, list) {
		if (!all && (walk ? !req->walk_fn :
			     !kdamond_request_due(ctx, req)))
			continue;
		req->claimed = true;
		list_move_tail(&req->list, claimed);
	}
	spin_unlock(&damon_requests_lock);
}

/*
 * Put the claimed walk requests of @claimed back at the head of the queue of
 * @ctx, in their order, to wait for the schemes that have not walked them
 * yet; drop those whose waiter gave up.
 */
static void kdamond_unclaim_walks(struct damon_ctx *ctx,
				  struct list_head *claimed)
{
	struct damon_request *req, *next;

	spin_lock(&damon_requests_lock);
	list_for_each_entry_safe(req, next, claimed, list) {
		if (req->abandoned) {
			list_del(&req->list);
			req->canceled = true;
			complete(&req->done);
			continue;
		}
		req->claimed = false;
	}
	list_splice(claimed, &ctx->requests);
	spin_unlock(&damon_requests_lock);
}

/*
 * The safe point: call the requests that are due, or every request if
 * @all, as when no aggregation and no pass of the schemes is to come.
 */
void kdamond_handle_requests(struct damon_ctx *ctx, bool all)
{
	struct damon_request *req, *next;
	LIST_HEAD(claimed);

	kdamond_claim_requests(ctx, &claimed, all, false);
	list_for_each_entry_safe(req, next, &claimed, list)
		kdamond_call_request(ctx, req);
}

/* An aggregation interval ended: the requests queued so far waited for it. */
void kdamond_requests_aggregated(struct damon_ctx *ctx)
{
	struct damon_request *req;

	spin_lock(&damon_requests_lock);
	list_for_each_entry(req, &ctx->requests, list)
		req->aggregated = true;
	spin_unlock(&damon_requests_lock);
}

/*
 * Apply the schemes that are due, with the walk requests queued so far,
 * numbered from *@walk_seq on in the order they came.  The walkers every
 * active scheme has now walked are called; the others wait on the queue.
 */
void kdamond_run_schemes(struct damon_ctx *ctx, unsigned long *walk_seq)
{
	struct damon_request *req, *next;
	LIST_HEAD(walkers);

	if (!damos_any_due(ctx))
		return;
	kdamond_claim_requests(ctx, &walkers, false, true);
	list_for_each_entry(req, &walkers, list) {
		if (!req->walk_seq)
			req->walk_seq = ++*walk_seq;
	}
	kdamond_apply_schemes(ctx, &walkers);
	/* A pass cut short by a stop walked only a part of the regions. */
	if (kthread_should_stop()) {
		damon_cancel_request_list(&walkers);
		return;
	}
	list_for_each_entry_safe(req, next, &walkers, list) {
		if (kdamond_walk_done(ctx, req))
			kdamond_call_request(ctx, req);
	}
	kdamond_unclaim_walks(ctx, &walkers);
}

/*
 * The kdamond of @ctx is about to sleep for a watermark interval: mark it
 * idle, so that a new request wakes it, unless one is queued already.
 * Return: true if the kdamond may sleep, as TASK_IDLE, until
 * kdamond_idle_end(); false if a request is waiting.
 */
bool kdamond_idle_begin(struct damon_ctx *ctx)
{
	spin_lock(&damon_requests_lock);
	if (!list_empty(&ctx->requests)) {
		spin_unlock(&damon_requests_lock);
		return false;
	}
	ctx->kdamond_idle = true;
	set_current_state(TASK_IDLE);
	spin_unlock(&damon_requests_lock);
	return true;
}

/* The idle sleep kdamond_idle_begin() allowed is over. */
void kdamond_idle_end(struct damon_ctx *ctx)
{
	__set_current_state(TASK_RUNNING);
	spin_lock(&damon_requests_lock);
	ctx->kdamond_idle = false;
	spin_unlock(&damon_requests_lock);
}

/* The kdamond of @ctx ends: drop every request still queued. */
void kdamond_cancel_requests(struct damon_ctx *ctx)
{
	spin_lock(&damon_requests_lock);
	damon_cancel_request_list(&ctx->requests);
	spin_unlock(&damon_requests_lock);
}
