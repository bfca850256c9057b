// File pickers: each <input type=file> is visually hidden but stays focusable and usable
// (keyboard, set_input_files); its label shows a button in the page's language, the chosen
// file's name, and takes a file dropped on it as if it had been picked.
import { t } from "./i18n.js";

function showName(input) {
  const name = input.closest("label.file").querySelector(".file-name");
  const file = input.files?.[0];
  if (file) {
    delete name.dataset.i18n;
    name.textContent = file.name;
  } else {
    name.dataset.i18n = "file.none";
    name.textContent = t("file.none");
  }
}

function takeDrop(zone, input, event) {
  event.preventDefault();
  zone.classList.remove("over");
  const dropped = [...(event.dataTransfer?.files ?? [])];
  if (!dropped.length) return;
  const chosen = new DataTransfer();
  chosen.items.add(dropped[0]);
  input.files = chosen.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

export function wireFiles(root = document) {
  // a file dropped beside a zone must not replace the workspace with the file itself
  for (const kind of ["dragover", "drop"]) window.addEventListener(kind, (event) => event.preventDefault());
  for (const zone of root.querySelectorAll("label.file")) {
    const input = zone.querySelector("input[type=file]");
    input.addEventListener("change", () => showName(input));
    for (const kind of ["dragenter", "dragover"]) {
      zone.addEventListener(kind, (event) => {
        event.preventDefault();
        zone.classList.add("over");
      });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => takeDrop(zone, input, event));
  }
}

/** The names shown again after the page emptied the inputs (a program file opened). */
export function renderFileNames(root = document) {
  for (const input of root.querySelectorAll("label.file input[type=file]")) showName(input);
}
