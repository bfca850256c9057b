// Every label of the page comes from messages/<lang>.json; numbers and percents are
// written in the page's language (Intl puts French's no-break space before %).
const SUPPORTED = ["fr", "en"];
let messages = {};
let current = "en";

export function browserLanguage() {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || "en"];
  return wanted.map((tag) => tag.slice(0, 2).toLowerCase()).find((code) => SUPPORTED.includes(code)) || "en";
}

export async function setLanguage(code) {
  const lang = SUPPORTED.includes(code) ? code : "en";
  const answer = await fetch(`/page/messages/${lang}.json`);
  messages = await answer.json();
  current = lang;
  document.documentElement.lang = lang;
  apply(document);
}

export function language() {
  return current;
}

export function t(key, values = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function apply(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

export function percent(value) {
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 0 }).format(value);
}

export function decimal(value, digits = 2) {
  return new Intl.NumberFormat(current, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function signed(value, asPercent) {
  const text = asPercent ? percent(Math.abs(value)) : decimal(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}
