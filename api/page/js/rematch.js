// Mid-program: the manager's feedback file (and leavers) read by POST /v1/intake/rematch
// against the pool, then POST /v1/rematch with the draft's pairs as the current ones; the
// answer becomes the draft (leavers out of the pool, ended pairs forbidden from now on).
import { t } from "./i18n.js";
import { el } from "./draft.js";
import { runJob } from "./jobs.js";
import { busy, postJson, Refused } from "./service.js";
import { matchRequest, nameOf, remember, save, state } from "./store.js";

const LISTS = ["kept", "ended", "new", "moved"];
const box = () => document.getElementById("rematch-summary");

async function rematch(signal, feedback, leaving) {
  const pool = matchRequest({ pinned: [] });
  const form = new FormData();
  form.append("feedback", feedback);
  if (leaving) form.append("leaving", leaving);
  form.append("pool", JSON.stringify(pool));
  const read = await postJson("/v1/intake/rematch", form, signal);
  const current = read.current?.length ? read.current : state.answer.pairings.map((p) => ({ mentor: p.mentor, mentee: p.mentee }));
  const body = { pool, current, feedback: read.feedback, leaving: read.leaving ?? [] };
  return { answer: await runJob("rematch", body, signal), leaving: body.leaving };
}

function adopt({ answer, leaving }) {
  const gone = new Set(leaving);
  const staying = (people) => people.filter((p) => !gone.has(p.id));
  state.pool = { mentors: staying(state.pool.mentors), mentees: staying(state.pool.mentees) };
  const ended = answer.ended.filter((p) => !gone.has(p.mentor) && !gone.has(p.mentee));
  state.forbidden = [...state.forbidden, ...ended.map((p) => ({ mentor: p.mentor, mentee: p.mentee }))];
  state.pinned = state.pinned.filter((p) => !gone.has(p.mentor) && !gone.has(p.mentee));
  state.answer = answer.result;
  state.rematch = { kept: answer.kept, ended: answer.ended, new: answer.new, moved: answer.moved };
  remember("rematch");
  save();
}

export async function runRematch() {
  const feedback = document.getElementById("feedback-file").files[0];
  const leaving = document.getElementById("leaving-file").files[0];
  if (!feedback || !state.answer) {
    box().replaceChildren(el("p", { className: "error", textContent: t("rematch.need") }));
    return false;
  }
  try {
    const done = await busy((signal) => rematch(signal, feedback, leaving), "rematch.running");
    if (!done) return false;
    adopt(done);
    return true;
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    box().replaceChildren(el("p", { className: "error", textContent: error.message }));
    return false;
  }
}

function line(kind, entry) {
  if (kind === "moved") {
    const after = entry.after ? nameOf(entry.after, "mentors") : t("rematch.waiting");
    return t("rematch.move", { mentee: nameOf(entry.mentee, "mentees"), before: nameOf(entry.before, "mentors"), after });
  }
  return t("rematch.pair", { mentor: nameOf(entry.mentor, "mentors"), mentee: nameOf(entry.mentee, "mentees"), detail: entry.detail });
}

export function renderRematch() {
  const found = state.rematch;
  if (!found) {
    box().replaceChildren();
    return;
  }
  const counts = Object.fromEntries(LISTS.map((kind) => [kind, found[kind].length]));
  box().replaceChildren(el("p", { dataset: { testid: "rematch-counts" }, textContent: t("rematch.summary", counts) }),
    ...LISTS.filter((kind) => found[kind].length).map((kind) => el("details", { dataset: { testid: `rematch-${kind}` } },
      el("summary", { textContent: `${t(`rematch.${kind}`)} (${found[kind].length})` }),
      el("ul", { className: "issues" }, ...found[kind].map((entry) => el("li", { textContent: line(kind, entry) }))))));
}
