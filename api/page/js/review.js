// Running the draft and reviewing it: a lock is a pin (kept by every re-run), a forbidden
// pair goes to `program.forbidden`, a move is a match with the mentee pinned to the chosen
// mentor; the service checks capacity and rules, and a refusal is shown in its words.
import { percent, t } from "./i18n.js";
import { el, renderDraft } from "./draft.js";
import { runJob } from "./jobs.js";
import { busy, Refused } from "./service.js";
import { matchRequest, nameOf, remember, samePair, save, state } from "./store.js";

const note = (text, kind = "") => document.getElementById("review-note").replaceChildren(el("p", { className: kind, textContent: text }));

export const actions = {
  lock(pair) {
    const locked = state.pinned.some((p) => samePair(p, pair));
    state.pinned = locked ? state.pinned.filter((p) => !samePair(p, pair)) : [...state.pinned, { mentor: pair.mentor, mentee: pair.mentee }];
    save();
    renderDraft(actions);
  },
  async forbid(pair) {
    state.pinned = state.pinned.filter((p) => !samePair(p, pair));
    state.forbidden = [...state.forbidden, { mentor: pair.mentor, mentee: pair.mentee }];
    await runDraft();
  },
  async reassign(mentee, mentor) {
    const pinned = [...state.pinned.filter((p) => p.mentee !== mentee), { mentor, mentee }];
    const words = { mentee: nameOf(mentee, "mentees"), mentor: nameOf(mentor, "mentors") };
    const answer = await solve(matchRequest({ pinned }));
    if (answer?.status === "infeasible") {
      note(t("review.refused", { ...words, why: answer.conflicts.map((c) => c.detail).join(" ; ") }), "error");
    } else if (answer) {
      state.pinned = pinned;
      adopt(answer);
      note(t("review.moved", words), "ok");
    }
    renderDraft(actions);
  },
  async remove(mentee) {
    state.pool = { ...state.pool, mentees: state.pool.mentees.filter((p) => p.id !== mentee) };
    state.pinned = state.pinned.filter((p) => p.mentee !== mentee);
    state.forbidden = state.forbidden.filter((p) => p.mentee !== mentee);
    await runDraft();
  },
  async allowAll() {
    state.forbidden = [];
    await runDraft();
  },
};

async function solve(request) {
  try {
    return await busy((signal) => runJob("match", request, signal));
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    note(error.message, "error");
    return null;
  }
}

function adopt(answer) {
  state.answer = answer;
  remember("run", { rate: answer.metrics.match_rate });
  save();
}

export async function runDraft() {
  document.getElementById("review-note").replaceChildren();
  if (!state.pool) {
    note(t("draft.none"), "error");
    return;
  }
  const answer = await solve(matchRequest());
  if (answer) adopt(answer);
  renderDraft(actions);
  if (!answer && !document.getElementById("review-note").textContent) renderDraft(actions);
}

export function historyText(entry) {
  const values = { ...entry.values };
  if ("rate" in values) values.rate = percent(values.rate);
  return t(`history.${entry.kind}`, values);
}
