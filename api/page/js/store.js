// The workspace: everything the manager has done, in this browser only (localStorage) and
// in the program file they save. Nothing of it is kept by the service.
const KEY = "binome.workspace";
export const KIND = "binome-program";
export const CRITERIA = ["goals", "languages", "interests", "availability", "timezone", "seniority", "preferences", "department"];
export const DEFAULT_WEIGHTS = { goals: 3, languages: 1, interests: 1, availability: 1, timezone: 1, seniority: 1, preferences: 2, department: 1 };

export function defaultSettings() {
  return {
    mentor_capacity: 3, format: "one_to_one", suggestions: 5, group_min_size: 2, weights: { ...DEFAULT_WEIGHTS },
    rules: { shared_language: true, no_reporting_line: true, different_department: false, max_timezone_gap_hours: null, min_seniority_gap: null },
    diversity: { cross_department: null, max_same_department: null, balance_generation: false },
  };
}

export const state = {
  lang: null, pool: null, intake: { columns: {}, warnings: [] }, settings: defaultSettings(),
  pinned: [], forbidden: [], answer: null, options: [], comparison: null, history: [], rematch: null,
};

const SAVED = ["lang", "pool", "intake", "settings", "pinned", "forbidden", "answer", "options", "comparison", "history", "rematch"];

export function snapshot() {
  const data = { kind: KIND, version: 1 };
  for (const key of SAVED) data[key] = state[key];
  return data;
}

export function restore(data) {
  if (!data || data.kind !== KIND) return false;
  for (const key of SAVED) if (key in data) state[key] = data[key];
  state.settings = { ...defaultSettings(), ...state.settings };
  return true;
}

export function save() {
  localStorage.setItem(KEY, JSON.stringify(snapshot()));
}

export function load() {
  try {
    return restore(JSON.parse(localStorage.getItem(KEY) || "null"));
  } catch {
    return false;
  }
}

export function remember(kind, values = {}) {
  state.history.push({ at: new Date().toISOString(), kind, values });
}

/** The `program` of a match request for these settings, locks and forbidden pairs; with
 * `full`, every key is written (null where unset) so that it can replace another as a
 * JSON Merge Patch. */
export function programOf(settings, pinned, forbidden, full = false) {
  const none = full ? null : undefined;
  const { rules, diversity } = settings;
  const program = {
    format: settings.format, mentor_capacity: settings.mentor_capacity, suggestions: settings.suggestions,
    weights: { ...settings.weights },
    rules: {
      shared_language: rules.shared_language, no_reporting_line: rules.no_reporting_line,
      different_department: rules.different_department,
      max_timezone_gap_hours: rules.max_timezone_gap_hours ?? none, min_seniority_gap: rules.min_seniority_gap ?? none,
    },
    diversity: {
      cross: diversity.cross_department == null ? none : { department: diversity.cross_department },
      max_same_per_mentor: diversity.max_same_department == null ? none : { department: diversity.max_same_department },
      balance: diversity.balance_generation ? { generation: true } : none,
    },
    group: settings.format === "group" ? { min_size: settings.group_min_size ?? 2 } : none,
    pinned, forbidden,
  };
  return JSON.parse(JSON.stringify(program)); // drops what is undefined
}

export function matchRequest(overrides = {}) {
  const pinned = overrides.pinned ?? state.pinned;
  const forbidden = overrides.forbidden ?? state.forbidden;
  return { mentors: state.pool.mentors, mentees: state.pool.mentees, program: programOf(state.settings, pinned, forbidden) };
}

export function samePair(a, b) {
  return a.mentor === b.mentor && a.mentee === b.mentee;
}

export function nameOf(id, side) {
  const people = state.pool?.[side] ?? [];
  const person = people.find((p) => p.id === id);
  return person?.name ? `${person.name} (${id})` : id;
}

export function personOf(id, side) {
  return (state.pool?.[side] ?? []).find((p) => p.id === id);
}
