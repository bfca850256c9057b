// The draft on screen: its status in words, the indicators with a chart, the pairs with
// the review controls, and everyone unpaired with the reason.
import { decimal, percent, t } from "./i18n.js";
import { nameOf, personOf, samePair, state } from "./store.js";
import { barChart } from "./chart.js";
import { wasCancelled, wasStopped } from "./service.js";

const el = (tag, { dataset = {}, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const [key, value] of Object.entries(dataset)) node.dataset[key] = value;
  node.append(...children);
  return node;
};
export { el };

export function renderStatus() {
  const status = document.getElementById("status");
  const conflicts = document.getElementById("conflicts");
  const answer = state.answer;
  conflicts.replaceChildren();
  const said = answer ? t(`status.${answer.status}`, { gap: percent(answer.gap ?? 0) }) : t("draft.none");
  const before = wasStopped() ? t("job.stopped") : wasCancelled() ? t("draft.cancelled") : "";
  status.textContent = before ? `${before} ${said}` : said;
  if (!answer) return;
  if (answer.status === "infeasible") {
    conflicts.append(el("ul", { className: "issues" }, ...answer.conflicts.map((c) => el("li", { className: "error", textContent: c.detail }))));
  }
}

function kpis(metrics) {
  return [
    ["match-rate", "kpi.match_rate", metrics.match_rate],
    ["mean-score", "kpi.mean_score", metrics.mean_score],
    ["min-score", "kpi.min_score", metrics.min_score],
    ["first-choice-rate", "kpi.first_choice_rate", metrics.first_choice_rate],
    ["cross-department", "kpi.cross", metrics.cross_share?.department ?? 0],
  ];
}

function renderKpis(answer) {
  const box = document.getElementById("kpis");
  const chart = document.getElementById("chart");
  if (!answer) {
    box.replaceChildren();
    chart.replaceChildren();
    return;
  }
  const rows = kpis(answer.metrics);
  const shown = (key, value) => (key.includes("score") ? decimal(value) : percent(value));
  box.replaceChildren(
    el("h3", { textContent: t("kpi.title") }),
    ...rows.map(([key, label, value]) =>
      el("div", { className: "kpi", dataset: { testid: `kpi-${key}` } }, el("span", { textContent: t(label) }), el("b", { textContent: shown(key, value) }))),
  );
  chart.replaceChildren(barChart(rows.map(([key, label, value]) => ({ label: t(label), value, text: shown(key, value) })), t("kpi.chart")));
}

function who(id, side) {
  const person = personOf(id, side);
  return el("td", { className: "who" }, nameOf(id, side), el("small", { textContent: person?.department ?? "" }));
}

function reassignSelect(pair) {
  const mentee = nameOf(pair.mentee, "mentees");
  const select = el("select", { dataset: { testid: "reassign" } });
  select.setAttribute("aria-label", t("pair.reassign", { mentee }));
  select.append(el("option", { value: "", textContent: t("pair.reassign_keep") }));
  for (const option of state.answer.suggestions?.[pair.mentee] ?? []) {
    if (option.mentor === pair.mentor) continue;
    const full = option.has_room ? "" : t("pair.full");
    const text = t("pair.suggestion", { mentor: nameOf(option.mentor, "mentors"), score: decimal(option.score), full });
    select.append(el("option", { value: option.mentor, textContent: text }));
  }
  return select;
}

function pairRow(pair, actions) {
  const locked = state.pinned.some((p) => samePair(p, pair));
  const names = { mentor: nameOf(pair.mentor, "mentors"), mentee: nameOf(pair.mentee, "mentees") };
  const lock = el("button", { type: "button", textContent: t(locked ? "pair.unlock" : "pair.lock"), dataset: { testid: "lock" } });
  lock.setAttribute("aria-pressed", String(locked));
  lock.setAttribute("aria-label", t("pair.lock_label", names));
  lock.addEventListener("click", () => actions.lock(pair));
  const forbid = el("button", { type: "button", textContent: t("pair.forbid"), dataset: { testid: "forbid" } });
  forbid.setAttribute("aria-label", t("pair.forbid_label", names));
  forbid.addEventListener("click", () => actions.forbid(pair));
  const remove = el("button", { type: "button", textContent: t("pair.remove"), dataset: { testid: "remove" } });
  remove.setAttribute("aria-label", t("pair.remove_label", names));
  remove.addEventListener("click", () => actions.remove(pair.mentee));
  const select = reassignSelect(pair);
  select.addEventListener("change", () => select.value && actions.reassign(pair.mentee, select.value));
  const reasons = el("details", {}, el("summary", { textContent: t("pair.details") }),
    el("ul", { className: "issues" }, ...pair.reasons.map((r) => el("li", { textContent: `${t(`criterion.${r.criterion}`)}${t("colon")}${r.detail}` }))));
  const row = el("tr", { className: locked ? "locked" : "", dataset: { testid: "pair", mentor: pair.mentor, mentee: pair.mentee } },
    who(pair.mentor, "mentors"), who(pair.mentee, "mentees"), el("td", { className: "num", textContent: decimal(pair.score) }),
    el("td", { className: "why" }, pair.explanation, reasons),
    el("td", {}, el("div", { className: "actions" }, lock, forbid, select, remove)));
  if (locked) row.dataset.locked = "true";
  return row;
}

export function renderDraft(actions) {
  const answer = state.answer;
  renderStatus();
  renderKpis(answer);
  const pairs = answer?.pairings ?? [];
  document.getElementById("pairs-title").textContent = t("pairs.title", { count: pairs.length });
  document.querySelector("#pairs tbody").replaceChildren(...pairs.map((pair) => pairRow(pair, actions)));
  const unmatched = answer?.unmatched ?? [];
  document.getElementById("unmatched-title").textContent = t("unmatched.title", { count: unmatched.length });
  document.getElementById("unmatched").replaceChildren(...unmatched.map((u) =>
    el("li", { dataset: { testid: "unmatched-row", id: u.id } },
      t("unmatched.line", { name: nameOf(u.id, `${u.role}s`), role: t(`unmatched.${u.role}`), detail: u.detail }))));
  const forbidden = document.getElementById("forbidden-note");
  forbidden.replaceChildren();
  if (state.forbidden.length) {
    const clear = el("button", { type: "button", textContent: t("review.clear") });
    clear.addEventListener("click", actions.allowAll);
    forbidden.append(t("review.forbidden", { count: state.forbidden.length }), " ", clear);
  }
}
