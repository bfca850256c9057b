// The workspace's wiring: restore what this browser holds, set the language, and connect
// each step's controls to its module.
import { apply, browserLanguage, language, setLanguage } from "./i18n.js";
import { el, renderDraft } from "./draft.js";
import { loadExample, readChosen, renderImport, reread } from "./importer.js";
import { buildWeights, readSettings, renderCoverage, writeSettings } from "./settings.js";
import { actions, historyText, runDraft } from "./review.js";
import { compare, renderComparison, renderOptions, saveOption } from "./compare.js";
import { exportDraft, openProgram, saveProgram } from "./publish.js";
import { renderRematch, runRematch } from "./rematch.js";
import { apiKey, cancelRunning, setApiKey } from "./service.js";
import { renderFileNames, wireFiles } from "./files.js";
import { load, save, state } from "./store.js";

const $ = (id) => document.getElementById(id);

function renderAll() {
  writeSettings();
  renderImport();
  renderCoverage();
  renderDraft(actions);
  renderOptions(pickOption);
  renderComparison();
  renderRematch();
  $("history").replaceChildren(...state.history.slice(-20).map((entry) =>
    el("li", { textContent: `${new Date(entry.at).toLocaleString(language())} — ${historyText(entry)}` })));
}

function pickOption(option) {
  state.settings = structuredClone(option.settings);
  state.pinned = [...option.pinned];
  state.forbidden = [...option.forbidden];
  save();
  renderAll();
  $("compare-note").textContent = "";
  return runDraft().then(renderAll);
}

function settingsChanged() {
  readSettings();
  save();
  renderCoverage();
}

const after = (work) => async () => {
  await work();
  renderAll();
};

function wire() {
  wireFiles();
  $("api-key").value = apiKey();
  $("api-key").addEventListener("input", () => setApiKey($("api-key").value));
  $("lang").addEventListener("change", async () => {
    state.lang = $("lang").value;
    save();
    await setLanguage(state.lang);
    renderAll();
    // the reasons and details are the service's sentences: ask again in this language
    // (the same request and seed give the same pairs)
    if (state.answer && state.pool) await after(runDraft)();
  });
  $("load-example").addEventListener("click", after(loadExample));
  $("read-files").addEventListener("click", after(readChosen));
  $("reread").addEventListener("click", after(reread));
  for (const id of ["capacity", "format", "suggestions", "group-min-size", "rule-shared_language", "rule-no_reporting_line", "rule-different_department",
    "rule-max_timezone_gap_hours", "rule-min_seniority_gap", "cross-department", "max-same-department", "balance-generation"]) {
    $(id).addEventListener("change", settingsChanged);
  }
  $("run").addEventListener("click", after(runDraft));
  $("cancel").addEventListener("click", cancelRunning);
  $("save-option").addEventListener("click", after(saveOption));
  $("run-compare").addEventListener("click", after(compare));
  $("export-xlsx").addEventListener("click", () => exportDraft("xlsx"));
  $("export-csv").addEventListener("click", () => exportDraft("csv"));
  $("save-program").addEventListener("click", saveProgram);
  $("open-program").addEventListener("change", async () => {
    const file = $("open-program").files[0];
    if (file && (await openProgram(file))) {
      await setLanguage(state.lang || language());
      $("lang").value = language();
      renderAll();
    }
    $("open-program").value = "";
    renderFileNames();
  });
  $("rematch-run").addEventListener("click", after(runRematch));
}

async function start() {
  load();
  buildWeights(settingsChanged);
  await setLanguage(state.lang || browserLanguage());
  $("lang").value = language();
  wire();
  renderAll();
  apply(document);
  document.body.dataset.ready = "true";
}

start();
