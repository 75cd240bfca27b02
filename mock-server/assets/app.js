// People demo: a small client of the People API v1, in plain JavaScript.
"use strict";

const API = "/api/v1";
const CLIENT_ID = "demo-client";
const CLIENT_SECRET = "demo-secret";

// ---------------------------------------------------------------------------------------------
// API access

/** A failed call, carrying the text meant for people (the API's `message`). */
class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body || {};
  }
}

/** A promise of the current access token, shared by requests made at the same time. */
let tokenPromise = null;

/** `fetch`, with a network failure turned into a readable error. */
async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    throw new ApiError(0, "Could not reach the server. Is it running?");
  }
}

/** The error for a failed response: its `message` (or OAuth `error_description`) and details. */
async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // No JSON body: fall back to the status line.
  }
  let message =
    (body && (body.message || body.error_description)) || `${res.status} ${res.statusText}`.trim();
  if (res.status === 412) {
    // The If-Match check failed: say what happened, in words.
    message = "Someone else changed this person since you opened it.";
  } else if (body && Array.isArray(body.details) && body.details.length) {
    // Details the message already says are not repeated.
    const extra = body.details.filter((d) => !message.includes(d.message));
    if (extra.length) message += " (" + extra.map((d) => `${d.field}: ${d.message}`).join("; ") + ")";
  }
  const retry = res.headers.get("Retry-After");
  if (retry && (res.status === 429 || res.status === 503)) message += ` Try again in ${retry} s.`;
  return new ApiError(res.status, message, body);
}

/** A token for the demo client (client credentials, sent in the form body). */
async function requestToken() {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  });
  const res = await send(`${API}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  if (!res.ok) {
    const error = await errorFrom(res);
    error.message = `Could not get a token: ${error.message}`;
    throw error;
  }
  return (await res.json()).access_token;
}

/**
 * Calls the API with the bearer token. A 401 (the token expired or was revoked) gets a new
 * token and one retry; any other failure throws an ApiError.
 */
async function api(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const used = (tokenPromise ??= requestToken());
    let token;
    try {
      token = await used;
    } catch (error) {
      if (tokenPromise === used) tokenPromise = null;
      throw error;
    }
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const res = await send(API + path, { ...init, headers });
    if (res.ok) return res;
    const error = await errorFrom(res);
    if (res.status === 401 && attempt === 0) {
      // Another request may already have replaced it.
      if (tokenPromise === used) tokenPromise = null;
      continue;
    }
    throw error;
  }
}

/**
 * Why a last name cannot be sent as a key, in the API's words, or null. `.` and `..` are the one
 * case the page must catch itself: `fetch` resolves those path segments (also when written
 * `%2E`) instead of sending them, so the request would reach another route. The API judges every
 * other rule.
 */
function lnameProblem(lname) {
  return lname === "." || lname === ".." ? "must not be '.' or '..'" : null;
}

/** The API's validation error for a last name, made without asking the API. */
function invalidLname(problem) {
  const detail = { field: "lname", message: problem };
  return new ApiError(422, `Validation failed: lname: ${problem}`, {
    error: "validation_failed",
    details: [detail],
  });
}

/**
 * The path of a person; last names may hold any character, `/` and `%` included, but `.` and
 * `..` are refused here rather than sent to another route.
 */
function personPath(lname) {
  const problem = lnameProblem(lname);
  if (problem) throw invalidLname(problem);
  return `/people/${encodeURIComponent(lname)}`;
}

// ---------------------------------------------------------------------------------------------
// Page state and elements

const $ = (id) => document.getElementById(id);
const ui = {
  title: $("editor-title"),
  form: $("person-form"),
  fname: $("fname"),
  lname: $("lname"),
  save: $("save"),
  del: $("delete"),
  cancel: $("cancel"),
  photo: $("photo"),
  photoFile: $("photo-file"),
  photoUpload: $("photo-upload"),
  photoRemove: $("photo-remove"),
  photoPreview: $("photo-preview"),
  photoCaption: $("photo-caption"),
  error: $("error"),
  status: $("status"),
  table: $("people"),
  rows: document.querySelector("#people tbody"),
  prev: $("prev"),
  next: $("next"),
  pageInfo: $("page-info"),
  perPage: $("per-page"),
};

const state = {
  page: 1,
  perPage: Number(ui.perPage.value),
  sortby: "lname",
  order: "asc",
  editing: null, // the last name being edited
  etag: null, // its ETag, sent as If-Match so a concurrent change is not overwritten
  photoUrl: null, // object URL of the photo shown, revoked when replaced
  listing: 0, // number of the latest listing request; older answers are dropped
  busy: false, // a change is on its way; ignore repeated clicks
};

function showError(error) {
  ui.status.textContent = "";
  ui.error.textContent = error.message;
  if (error.status === 412 && state.editing) {
    // Offer what fixes it: the person as they are now.
    const lname = state.editing;
    const reload = document.createElement("button");
    reload.type = "button";
    reload.id = "reload";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => {
      ui.error.hidden = true;
      startEdit(lname).catch(fail);
    });
    ui.error.append(" ", reload);
  }
  ui.error.hidden = false;
}

function showStatus(text) {
  ui.error.hidden = true;
  ui.error.textContent = "";
  ui.status.textContent = text;
}

/** Runs one change at a time, showing its failure on the page. */
async function change(action) {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add("busy");
  try {
    await action();
  } catch (error) {
    fail(error);
    // The person may have gone meanwhile: show the table as it is now.
    if (error.status === 404 || error.status === 410) refresh();
  } finally {
    state.busy = false;
    document.body.classList.remove("busy");
  }
}

function fail(error) {
  if (!(error instanceof ApiError)) console.error(error);
  showError(error);
}

// ---------------------------------------------------------------------------------------------
// The table

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function formatTime(text) {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : timeFormat.format(date);
}

function cell(content) {
  const td = document.createElement("td");
  td.append(content);
  return td;
}

function renderPeople(people, pagination) {
  const rows = people.map((person) => {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.dataset.lname = person.lname;
    const time = document.createElement("time");
    time.dateTime = person.timestamp;
    time.textContent = formatTime(person.timestamp);
    tr.append(cell(person.fname), cell(person.lname), cell(time));
    // The column names, shown beside each value where rows become cards on a phone.
    ["First name", "Last name", "Updated"].forEach((label, i) => {
      tr.cells[i].dataset.label = label;
    });
    return tr;
  });
  if (rows.length === 0) {
    const td = cell("Nobody here yet: create someone above.");
    td.colSpan = 3;
    td.className = "empty";
    const tr = document.createElement("tr");
    tr.append(td);
    rows.push(tr);
  }
  ui.rows.replaceChildren(...rows);
  markEditedRow();

  const { current_page: page, total_pages: pages, total, links = {} } = pagination;
  const howMany = total === 1 ? "1 person" : `${total} people`;
  ui.pageInfo.textContent = pages ? `Page ${page} of ${pages} · ${howMany}` : howMany;
  ui.prev.disabled = !links.previous;
  ui.next.disabled = !links.next;
  for (const th of ui.table.tHead.rows[0].cells) {
    const key = th.querySelector("button").dataset.sort;
    const sorted = key === state.sortby ? (state.order === "asc" ? "ascending" : "descending") : "none";
    th.setAttribute("aria-sort", sorted);
  }
}

function markEditedRow() {
  for (const tr of ui.rows.rows) {
    tr.classList.toggle("editing", tr.dataset.lname === state.editing);
  }
}

async function loadPeople() {
  const listing = ++state.listing;
  const query = new URLSearchParams({
    page: state.page,
    per_page: state.perPage,
    sortby: state.sortby,
    order: state.order,
  });
  const res = await api(`/people?${query}`);
  const { data, meta } = await res.json();
  if (listing !== state.listing) return;
  const pagination = meta.pagination;
  // Past the last page (after a delete, say): show the last one instead.
  if (data.length === 0 && pagination.total_pages > 0 && state.page > pagination.total_pages) {
    state.page = pagination.total_pages;
    return loadPeople();
  }
  renderPeople(data, pagination);
}

/** Reloads the table; a failure shows on the page. */
function refresh() {
  return loadPeople().catch(fail);
}

// ---------------------------------------------------------------------------------------------
// Create, edit, delete

const JSON_TYPE = "application/json";

/** Headers of a change to the person being edited; `withBody` for a JSON body. */
function writeHeaders(withBody) {
  const headers = withBody ? { "Content-Type": JSON_TYPE } : {};
  if (state.etag) headers["If-Match"] = state.etag;
  return headers;
}

async function createPerson() {
  const person = { fname: ui.fname.value, lname: ui.lname.value };
  const problem = lnameProblem(person.lname);
  if (problem) {
    ui.lname.setAttribute("aria-invalid", "true");
    ui.lname.focus();
    throw invalidLname(problem);
  }
  await api("/people", {
    method: "POST",
    headers: { "Content-Type": JSON_TYPE },
    body: JSON.stringify(person),
  });
  ui.form.reset();
  showStatus(`Created ${person.fname} ${person.lname}.`);
  await loadPeople();
  ui.fname.focus();
}

async function startEdit(lname) {
  const res = await api(personPath(lname));
  const person = await res.json();
  state.editing = person.lname;
  state.etag = res.headers.get("ETag");
  ui.fname.value = person.fname;
  ui.lname.value = person.lname;
  ui.lname.readOnly = true;
  ui.title.textContent = `Edit ${person.fname} ${person.lname}`;
  ui.save.textContent = "Update";
  ui.del.hidden = false;
  ui.cancel.hidden = false;
  ui.photo.hidden = false;
  ui.photoFile.value = "";
  ui.photoUpload.disabled = true;
  markEditedRow();
  showStatus(`Editing ${person.lname}. Press Escape to stop.`);
  ui.fname.focus();
  ui.fname.select();
  await loadPhoto();
}

function stopEdit() {
  const lname = state.editing;
  state.editing = null;
  state.etag = null;
  ui.form.reset();
  ui.lname.readOnly = false;
  ui.title.textContent = "New person";
  ui.save.textContent = "Create";
  ui.del.hidden = true;
  ui.cancel.hidden = true;
  ui.photo.hidden = true;
  showPhoto(null, "No photo.");
  markEditedRow();
  // Back to the row that was edited, so keyboard users keep their place.
  const row = [...ui.rows.rows].find((tr) => tr.dataset.lname === lname);
  (row || ui.fname).focus();
}

async function updatePerson() {
  const lname = state.editing;
  const fname = ui.fname.value;
  const res = await api(personPath(lname), {
    method: "PUT",
    headers: writeHeaders(true),
    body: JSON.stringify({ fname, lname }),
  });
  state.etag = res.headers.get("ETag");
  ui.title.textContent = `Edit ${fname} ${lname}`;
  showStatus(`Updated ${lname}.`);
  await loadPeople();
}

async function deletePerson() {
  const lname = state.editing;
  if (!window.confirm(`Delete ${lname}? This cannot be undone.`)) return;
  await api(personPath(lname), { method: "DELETE", headers: writeHeaders(false) });
  stopEdit();
  showStatus(`Deleted ${lname}.`);
  await loadPeople();
  ui.fname.focus();
}

// ---------------------------------------------------------------------------------------------
// Photo

function showPhoto(url, caption) {
  if (state.photoUrl) URL.revokeObjectURL(state.photoUrl);
  state.photoUrl = url;
  if (url) ui.photoPreview.src = url;
  else ui.photoPreview.removeAttribute("src");
  ui.photoPreview.hidden = !url;
  ui.photoPreview.alt = url ? caption : "";
  ui.photoCaption.textContent = caption;
}

/** Shows the stored photo: it needs the bearer token, so it comes through fetch as a blob. */
async function loadPhoto() {
  const lname = state.editing;
  let blob = null;
  try {
    blob = await (await api(`${personPath(lname)}/photo`)).blob();
  } catch (error) {
    if (error.body.error !== "photo_not_found") throw error;
  }
  if (state.editing !== lname) return;
  showPhoto(blob && URL.createObjectURL(blob), blob ? `Photo of ${lname}.` : "No photo.");
  ui.photoRemove.disabled = !blob;
}

function previewChosenPhoto() {
  const file = ui.photoFile.files[0];
  ui.photoUpload.disabled = !file;
  if (!file) return;
  // Only images can be previewed; anything else is left for the API to judge on upload.
  if (file.type.startsWith("image/")) {
    showPhoto(URL.createObjectURL(file), `Preview of ${file.name}, not uploaded yet.`);
  } else {
    showPhoto(null, `${file.name} is chosen, not uploaded yet.`);
  }
}

async function uploadPhoto() {
  const lname = state.editing;
  const file = ui.photoFile.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    await api(`${personPath(lname)}/photo`, { method: "POST", body: form });
  } catch (error) {
    // Refused: show the photo that is stored, not the rejected preview.
    await loadPhoto().catch(() => {});
    throw error;
  }
  ui.photoFile.value = "";
  ui.photoUpload.disabled = true;
  await loadPhoto();
  showStatus(`Uploaded the photo of ${lname}.`);
}

async function removePhoto() {
  const lname = state.editing;
  await api(`${personPath(lname)}/photo`, { method: "DELETE" });
  showPhoto(null, "No photo.");
  ui.photoRemove.disabled = true;
  showStatus(`Removed the photo of ${lname}.`);
}

// ---------------------------------------------------------------------------------------------
// Events

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  change(state.editing ? updatePerson : createPerson);
});
ui.del.addEventListener("click", () => change(deletePerson));
ui.cancel.addEventListener("click", () => {
  stopEdit();
  showStatus("");
});
ui.lname.addEventListener("input", () => ui.lname.removeAttribute("aria-invalid"));
ui.photoFile.addEventListener("change", previewChosenPhoto);
ui.photoUpload.addEventListener("click", () => change(uploadPhoto));
ui.photoRemove.addEventListener("click", () => change(removePhoto));

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && state.editing) {
    event.preventDefault();
    stopEdit();
    showStatus("");
  }
});

// One click (one tap on a phone) opens a person, as a list of people in an app does.
ui.rows.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-lname]");
  if (!row || row.dataset.lname === state.editing) return;
  startEdit(row.dataset.lname).catch(fail);
});

// Rows are focusable: Enter edits, arrow keys move between rows.
ui.rows.addEventListener("keydown", (event) => {
  const row = event.target.closest("tr[data-lname]");
  if (!row || event.target !== row) return;
  if (event.key === "Enter") {
    event.preventDefault();
    startEdit(row.dataset.lname).catch(fail);
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    next?.focus();
  }
});

for (const button of ui.table.querySelectorAll("th button[data-sort]")) {
  button.addEventListener("click", () => {
    const key = button.dataset.sort;
    state.order = key === state.sortby && state.order === "asc" ? "desc" : "asc";
    state.sortby = key;
    state.page = 1;
    refresh();
  });
}

ui.prev.addEventListener("click", () => {
  state.page = Math.max(1, state.page - 1);
  refresh();
});
ui.next.addEventListener("click", () => {
  state.page += 1;
  refresh();
});
ui.perPage.addEventListener("change", () => {
  state.perPage = Number(ui.perPage.value);
  state.page = 1;
  refresh();
});

refresh();
