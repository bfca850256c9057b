// Long runs as jobs (POST /v1/jobs, then GET /v1/jobs/{id} until it ends): the page shows
// the job's real progress (variants done; a search's best total and bound so far) and its
// cancel button asks the service to stop (DELETE), which keeps the best answer found.
import { percent, t } from "./i18n.js";
import { getJson, markStopped, postJson, Refused, problemWords, removeJob } from "./service.js";

const POLL_MS = 250;
const SHOW_AFTER_MS = 1000; // a run shorter than a second shows no bar
const ENDED = new Set(["succeeded", "failed", "cancelled"]);

const pause = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** How close a search's best answer is to its bound, in [0, 1]; null while it has none,
 * or on a level it minimises (a shortfall: objective and bound at or below 0), where a
 * share means nothing. Both are in the search's own units, so only their ratio is shown. */
export function reached(progress) {
  const { objective, bound } = progress ?? {};
  if (objective == null || bound == null || !(bound > 0) || objective < 0) return null;
  return Math.min(1, objective / bound);
}

/** The words under the bar: options solved of all, then the search's best against its bound. */
export function progressWords(progress) {
  const parts = [];
  if (progress?.variants_total) parts.push(t("job.variants", { done: progress.variants_done ?? 0, total: progress.variants_total }));
  const share = reached(progress);
  if (share != null) parts.push(t("job.search", { share: percent(share) }));
  else if (progress?.search) parts.push(t("job.searching"));
  return parts.join(" — ");
}

function show(job, started) {
  const box = document.getElementById("job-progress");
  const bar = document.getElementById("job-bar");
  if (performance.now() - started < SHOW_AFTER_MS) return;
  box.hidden = false;
  const progress = job.progress ?? {};
  if (progress.variants_total) {
    bar.max = progress.variants_total;
    bar.value = progress.variants_done ?? 0;
  } else if (reached(progress) != null) {
    bar.max = 1;
    bar.value = reached(progress);
  } else bar.removeAttribute("value"); // a search: no fraction to show, the bar moves
  document.getElementById("job-words").textContent = progressWords(progress) || t(`job.${job.status}`);
}

export function hideProgress() {
  document.getElementById("job-progress").hidden = true;
}

async function settle(id) {
  // After DELETE: the job ends within a second with the best answer found, if any.
  for (let k = 0; k < 20; k += 1) {
    const job = await getJson(`/v1/jobs/${id}`);
    if (ENDED.has(job.status)) return job;
    await pause(POLL_MS);
  }
  return null;
}

/** Runs `request` as a job of `kind`; resolves to its result (on cancel, the best answer
 * found so far, or an AbortError when there is none). */
export async function runJob(kind, request, signal) {
  const started = performance.now();
  const job = await postJson("/v1/jobs", { kind, request }, signal);
  try {
    for (;;) {
      await pause(POLL_MS, signal);
      if (signal.aborted) break;
      const now = await getJson(`/v1/jobs/${job.id}`, signal).catch((error) => {
        if (error.name === "AbortError") return null;
        throw error;
      });
      if (!now) break;
      if (now.status === "succeeded") return now.result;
      if (now.status === "failed") throw new Refused(t("error.problem", { detail: problemWords(now.error) }), now.error);
      if (now.status === "cancelled") break;
      show(now, started);
    }
    await removeJob(job.id);
    const ended = await settle(job.id);
    if (ended?.result) {
      markStopped();
      return ended.result;
    }
    throw new DOMException(t("draft.cancelled"), "AbortError");
  } finally {
    hideProgress();
  }
}
