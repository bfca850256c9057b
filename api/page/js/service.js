// Calls to the service's public API, the same a platform makes. A long call shows its
// elapsed time in the status line and can be cancelled (AbortController).
import { decimal, language, t } from "./i18n.js";

let running = null;
let cancelled = false; // the last call was cancelled: the status line says so

let stopped = false; // the last job was stopped and answered its best so far

export function wasCancelled() {
  return cancelled;
}

export function wasStopped() {
  return stopped;
}

export function markStopped() {
  stopped = true;
}

export class Refused extends Error {
  constructor(words, problem) {
    super(words);
    this.problem = problem;
  }
}

/** Words for a problem document: its detail, then each located error's message. */
export function problemWords(problem) {
  const located = (problem?.errors ?? []).slice(0, 5).map((e) => e.msg).filter((msg) => msg && msg !== problem.detail);
  return [problem?.detail ?? "", ...located].filter(Boolean).join(" — ");
}

const KEY = "binome.apiKey"; // this tab only: never in localStorage nor the program file

export function apiKey() {
  return sessionStorage.getItem(KEY) || "";
}

export function setApiKey(value) {
  if (value.trim()) sessionStorage.setItem(KEY, value.trim());
  else sessionStorage.removeItem(KEY);
}

function headersFor() {
  const headers = { "Accept-Language": language() };
  if (apiKey()) headers.Authorization = `Bearer ${apiKey()}`;
  return headers;
}

async function send(path, body, signal, method = "POST") {
  const headers = headersFor();
  const init = { method, headers, signal };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let answer;
  try {
    answer = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new Refused(t("error.network"), null);
  }
  if (answer.ok) return answer;
  if (answer.status === 401) {
    document.getElementById("connection").open = true;
    throw new Refused(t(apiKey() ? "error.key_wrong" : "error.key_needed"), null);
  }
  const problem = await answer.json().catch(() => ({ detail: answer.statusText }));
  throw new Refused(t("error.problem", { detail: problemWords(problem) }), problem);
}

export async function getJson(path, signal) {
  return (await send(path, undefined, signal, "GET")).json();
}

/** Asks the service to stop a job (it keeps the best answer found so far). */
export async function removeJob(id) {
  await send(`/v1/jobs/${id}`, undefined, undefined, "DELETE").catch(() => null);
}

export async function postJson(path, body, signal) {
  return (await send(path, body, signal)).json();
}

export async function postForFile(path, body, signal) {
  const answer = await send(path, body, signal);
  const disposition = answer.headers.get("Content-Disposition") || "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return { blob: await answer.blob(), name: named ? decodeURIComponent(named[1]) : null };
}

/** Runs `work(signal)` with the status line counting seconds and the cancel button shown;
 * resolves to its result, or to null when the manager cancelled. */
export async function busy(work, label = "draft.running") {
  const status = document.getElementById("status");
  const cancel = document.getElementById("cancel");
  running?.abort();
  const control = new AbortController();
  running = control;
  cancelled = false;
  stopped = false;
  const started = performance.now();
  const tick = () => { status.textContent = t(label, { seconds: decimal((performance.now() - started) / 1000, 1) }); };
  tick();
  const timer = setInterval(tick, 200);
  cancel.hidden = false;
  document.body.setAttribute("aria-busy", "true");
  try {
    return await work(control.signal);
  } catch (error) {
    if (error.name === "AbortError") {
      cancelled = true;
      return null;
    }
    throw error;
  } finally {
    clearInterval(timer);
    if (running === control) {
      running = null;
      cancel.hidden = true;
      document.body.removeAttribute("aria-busy");
    }
  }
}

export function cancelRunning() {
  running?.abort();
}

export function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
