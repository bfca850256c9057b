// Options: the current settings and draft saved under a name; compared side by side
// through POST /v1/scenarios (the first option is the base, each other one a variant whose
// patch is its whole program).
import { decimal, percent, signed, t } from "./i18n.js";
import { el, renderStatus } from "./draft.js";
import { runJob } from "./jobs.js";
import { busy, Refused } from "./service.js";
import { programOf, save, state } from "./store.js";

const note = (text, kind = "") => document.getElementById("compare-note").replaceChildren(el("span", { className: kind, textContent: text }));
const ROWS = [
  ["match_rate", "kpi.match_rate", true], ["mean_score", "kpi.mean_score", false], ["min_score", "kpi.min_score", false],
  ["first_choice_rate", "kpi.first_choice_rate", true],
];

export function saveOption() {
  if (!state.answer) return note(t("publish.need_draft"), "error");
  const input = document.getElementById("option-name");
  const name = input.value.trim() || t("compare.default_name", { n: state.options.length + 1 });
  const option = { name, settings: structuredClone(state.settings), pinned: [...state.pinned], forbidden: [...state.forbidden], metrics: state.answer.metrics };
  state.options = [...state.options.filter((o) => o.name !== name), option];
  input.value = "";
  save();
  note(t("compare.saved", { name }), "ok");
  return renderOptions();
}

let pickHandler = null;

export function renderOptions(onPick = pickHandler) {
  pickHandler = onPick;
  const list = document.getElementById("options");
  list.replaceChildren(...state.options.map((option, k) => {
    const pick = el("button", { type: "button", textContent: t("compare.pick"), dataset: { testid: "pick-option" } });
    pick.addEventListener("click", () => pickHandler?.(option));
    const drop = el("button", { type: "button", textContent: t("compare.remove") });
    drop.addEventListener("click", () => { state.options.splice(k, 1); save(); renderOptions(); });
    return el("li", { dataset: { testid: "option" } }, el("b", { textContent: option.name }), pick, drop);
  }));
}

const programFor = (option, full) => programOf(option.settings, option.pinned, option.forbidden, full);

export async function compare() {
  if (state.options.length < 2) return note(t("compare.none"), "error");
  const [first, ...others] = state.options;
  const base = { mentors: state.pool.mentors, mentees: state.pool.mentees, program: programFor(first, false) };
  const variants = others.map((option) => ({ name: option.name, patch: { program: programFor(option, true) } }));
  try {
    const answer = await busy((signal) => runJob("scenarios", { base, variants }, signal), "compare.running");
    if (!answer) return null;
    state.comparison = { answer, base: first.name };
    save();
    renderComparison();
    note("");
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    note(error.message, "error");
  }
  return renderStatus();
}

function cell(value, delta, asPercent) {
  const text = asPercent ? percent(value) : decimal(value);
  if (delta === undefined || Math.abs(delta) < 1e-9) return el("td", { className: "num", textContent: text });
  const kind = delta > 0 ? "delta-up" : "delta-down";
  return el("td", { className: "num" }, text, " ", el("small", { className: kind, textContent: `(${signed(delta, asPercent)})` }));
}

export function renderComparison() {
  const table = document.getElementById("compare-table");
  if (!state.comparison) {
    table.tHead.replaceChildren();
    table.tBodies[0].replaceChildren();
    return;
  }
  const { answer, base: baseName } = state.comparison;
  const outcomes = [{ ...answer.base, name: baseName }, ...answer.variants];
  table.tHead.replaceChildren(el("tr", {}, el("th", { scope: "col", textContent: t("compare.metric") }),
    ...outcomes.map((o) => el("th", { scope: "col", textContent: o.name }))));
  const rows = ROWS.map(([key, label, asPercent]) => el("tr", { dataset: { metric: key } }, el("th", { scope: "row", textContent: t(label) }),
    ...outcomes.map((o) => cell(o.metrics[key], o.delta?.[key], asPercent))));
  const cross = el("tr", { dataset: { metric: "cross_department" } }, el("th", { scope: "row", textContent: t("kpi.cross") }),
    ...outcomes.map((o) => cell(o.metrics.cross_share?.department ?? 0, undefined, true)));
  const status = el("tr", {}, el("th", { scope: "row", textContent: t("compare.status") }),
    ...outcomes.map((o) => el("td", { textContent: t(`short.${o.status}`) })));
  const moves = el("tr", { dataset: { metric: "moves" } }, el("th", { scope: "row", textContent: t("compare.moves") }),
    ...outcomes.map((o) => el("td", { className: "num", textContent: o.changed_pairs ? String(o.changed_pairs.length) : "—" })));
  table.tBodies[0].replaceChildren(status, ...rows, cross, moves);
}
