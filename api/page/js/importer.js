// Import: the manager's two survey files (or the bundled example) through POST /v1/intake;
// the columns read, the warnings, and every located error in words.
import { t } from "./i18n.js";
import { el } from "./draft.js";
import { busy, postJson, Refused } from "./service.js";
import { remember, state } from "./store.js";

const EXAMPLE = ["company_mentors_fr.csv", "company_mentees_fr.csv"];
let files = null; // the File objects chosen in this visit (not kept: they are the manager's)

function issueText(issue) {
  if (issue.row == null) return t("import.issue_file", { file: issue.file, msg: issue.msg });
  return t("import.issue", { file: issue.file, row: issue.row, column: issue.column ?? "", msg: issue.msg });
}

export function renderImport() {
  const pool = state.pool;
  document.getElementById("pool-summary").textContent = pool
    ? t("import.pool", { mentors: pool.mentors.length, mentees: pool.mentees.length }) : t("import.none");
  const warnings = state.intake.warnings ?? [];
  document.getElementById("warnings").replaceChildren(...warnings.map((w) => el("li", { textContent: issueText(w) })));
  renderColumns();
}

function renderColumns() {
  const columns = state.intake.columns ?? {};
  const names = Object.keys(columns);
  const fields = [...new Set(names.flatMap((name) => Object.keys(columns[name])))];
  const box = document.getElementById("columns");
  if (!names.length) {
    box.replaceChildren();
    return;
  }
  const head = el("tr", {}, el("th", { scope: "col", textContent: t("import.field") }),
    ...names.map((name) => el("th", { scope: "col", textContent: t("import.header", { file: name }) })));
  const label = (field) => (t(`field.${field}`) === `field.${field}` ? field : t(`field.${field}`));
  const rows = fields.map((field) => el("tr", {}, el("th", { scope: "row" }, label(field), el("small", { textContent: ` ${field}` })),
    ...names.map((name) => {
      const input = el("input", { type: "text", value: columns[name][field] ?? "", dataset: { field, guessed: columns[name][field] ?? "" } });
      input.setAttribute("aria-label", `${label(field)} — ${t("import.header", { file: name })}`);
      return el("td", {}, input);
    })));
  box.replaceChildren(el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function changedColumns() {
  const columns = {};
  for (const input of document.querySelectorAll("#columns input")) {
    if (input.value.trim() && input.value !== input.dataset.guessed) columns[input.dataset.field] = input.value.trim();
  }
  return columns;
}

function showErrors(error) {
  const box = document.getElementById("import-errors");
  const located = error.problem?.errors ?? [];
  const items = located.length ? located.map((e) => el("li", { className: "error", textContent: issueText(e) })) : [el("li", { className: "error", textContent: error.message })];
  box.replaceChildren(el("h3", { textContent: t("import.errors") }), el("ul", { className: "issues" }, ...items));
}

async function read(columns = {}) {
  const box = document.getElementById("import-errors");
  box.replaceChildren();
  const form = new FormData();
  form.append("mentors", files[0]);
  form.append("mentees", files[1]);
  for (const side of ["mentors", "mentees"]) {
    const sheet = document.getElementById(`${side}-sheet`).value.trim();
    if (sheet) form.append(`${side}_sheet`, sheet);
  }
  if (Object.keys(columns).length) form.append("columns", JSON.stringify(columns));
  try {
    const answer = await busy((signal) => postJson("/v1/intake", form, signal), "import.running");
    if (!answer) return false;
    state.pool = answer.pool;
    state.intake = { columns: answer.columns, warnings: answer.warnings };
    state.pinned = [];
    state.forbidden = [];
    state.answer = null;
    remember("import");
    return true;
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    showErrors(error);
    return false;
  }
}

export async function readChosen() {
  const mentors = document.getElementById("mentors-file").files[0];
  const mentees = document.getElementById("mentees-file").files[0];
  if (!mentors || !mentees) {
    document.getElementById("import-errors").replaceChildren(el("p", { className: "error", textContent: t("import.need_both") }));
    return false;
  }
  files = [mentors, mentees];
  return read();
}

export async function reread() {
  if (!files) return readChosen();
  return read(changedColumns());
}

export async function loadExample() {
  const blobs = await Promise.all(EXAMPLE.map(async (name) => (await fetch(`/page/example/${name}`)).blob()));
  files = blobs.map((blob, k) => new File([blob], EXAMPLE[k], { type: "text/csv" }));
  return read();
}
