// Program settings: the form on the page ↔ the workspace's settings, and the coverage
// (places offered against mentees) shown before any run.
import { t } from "./i18n.js";
import { el } from "./draft.js";
import { CRITERIA, state } from "./store.js";

const $ = (id) => document.getElementById(id);
const numberOrNull = (id) => ($(id).value === "" ? null : Number($(id).value));
const RULES = ["shared_language", "no_reporting_line", "different_department"];
const LIMITS = ["max_timezone_gap_hours", "min_seniority_gap"];

export function buildWeights(onChange) {
  $("weights").replaceChildren(...CRITERIA.map((criterion) => {
    const input = el("input", { type: "range", min: 0, max: 5, step: 0.5, id: `weight-${criterion}`, dataset: { testid: `weight-${criterion}` } });
    const shown = el("output", { htmlFor: input.id });
    input.addEventListener("input", () => { shown.value = input.value; onChange(); });
    const head = el("span", {}, el("b", { dataset: { i18n: `criterion.${criterion}` } }), " ", shown);
    return el("label", { htmlFor: input.id }, head, input, el("small", { dataset: { i18n: `explain.${criterion}` } }));
  }));
}

export function readSettings() {
  const s = state.settings;
  s.mentor_capacity = Math.max(0, Math.round(Number($("capacity").value) || 0));
  s.format = $("format").value;
  s.suggestions = Math.max(0, Math.min(50, Math.round(Number($("suggestions").value) || 0)));
  s.group_min_size = Math.max(1, Math.min(1000, Math.round(Number($("group-min-size").value) || 2)));
  $("group-box").hidden = s.format !== "group";
  for (const criterion of CRITERIA) s.weights[criterion] = Number($(`weight-${criterion}`).value);
  for (const rule of RULES) s.rules[rule] = $(`rule-${rule}`).checked;
  for (const limit of LIMITS) s.rules[limit] = numberOrNull(`rule-${limit}`);
  const cross = numberOrNull("cross-department");
  s.diversity.cross_department = cross == null ? null : Math.min(100, Math.max(0, cross)) / 100;
  s.diversity.max_same_department = numberOrNull("max-same-department");
  s.diversity.balance_generation = $("balance-generation").checked;
}

export function writeSettings() {
  const s = state.settings;
  $("capacity").value = s.mentor_capacity;
  $("format").value = s.format;
  $("suggestions").value = s.suggestions;
  $("group-min-size").value = s.group_min_size;
  $("group-box").hidden = s.format !== "group";
  for (const criterion of CRITERIA) {
    $(`weight-${criterion}`).value = s.weights[criterion];
    $(`weight-${criterion}`).parentElement.querySelector("output").value = s.weights[criterion];
  }
  for (const rule of RULES) $(`rule-${rule}`).checked = s.rules[rule];
  for (const limit of LIMITS) $(`rule-${limit}`).value = s.rules[limit] ?? "";
  const cross = s.diversity.cross_department;
  $("cross-department").value = cross == null ? "" : Math.round(cross * 100);
  $("max-same-department").value = s.diversity.max_same_department ?? "";
  $("balance-generation").checked = s.diversity.balance_generation;
}

export function renderCoverage() {
  const box = $("coverage");
  const pool = state.pool;
  if (!pool) {
    box.replaceChildren();
    return;
  }
  const capacities = pool.mentors.map((m) => m.capacity ?? state.settings.mentor_capacity);
  const places = capacities.reduce((sum, c) => sum + c, 0);
  const taking = capacities.filter((c) => c > 0).length;
  const mentees = pool.mentees.length;
  const lines = [el("span", { textContent: t("coverage.text", { places, mentees, mentors: pool.mentors.length }) }), " "];
  if (places < mentees) lines.push(el("b", { className: "error", textContent: t("coverage.short", { missing: mentees - places }) }));
  else lines.push(el("span", { className: "ok", textContent: t("coverage.ok") }));
  if (taking && mentees / taking > 3) lines.push(" ", el("b", { className: "warn", textContent: t("coverage.overload") }));
  box.replaceChildren(...lines);
}
