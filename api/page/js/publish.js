// Publish: the draft as the service's XLSX or CSV (POST /v1/export, in the page's
// language), and the whole program as one JSON file, saved and opened in the browser.
import { language, t } from "./i18n.js";
import { el } from "./draft.js";
import { busy, download, postForFile, Refused } from "./service.js";
import { matchRequest, restore, save, snapshot, state } from "./store.js";

const note = (text, kind = "") => document.getElementById("publish-note").replaceChildren(el("span", { className: kind, textContent: text }));

export async function exportDraft(format) {
  if (!state.answer || !state.pool) return note(t("publish.need_draft"), "error");
  const body = { format, request: matchRequest(), answer: state.answer };
  try {
    const file = await busy((signal) => postForFile("/v1/export", body, signal), "publish.running");
    if (file) download(file.blob, file.name || `binome-${language()}.${format}`);
    note("");
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    note(error.message, "error");
  }
  return null;
}

export function saveProgram() {
  const text = JSON.stringify(snapshot(), null, 1);
  download(new Blob([text], { type: "application/json" }), "binome-program.json");
}

export async function openProgram(file) {
  let data = null;
  try {
    data = JSON.parse(await file.text());
  } catch {
    data = null;
  }
  if (!restore(data)) {
    note(t("publish.bad_file"), "error");
    return false;
  }
  save();
  note(t("publish.opened"), "ok");
  return true;
}
