// Browser tests of the demo page (/) and the interactive API docs (/api/v1/ui/), driven through
// headless Chromium against a running people-mock.
//
//   node run.mjs BASE_URL [--out DIR]
//
// BASE_URL is the server's origin (e.g. http://127.0.0.1:8080). Screenshots go to DIR
// (default target/browser). playwright-core is looked up normally, then in DIR/node, where
// scripts/browser-test.sh installs it (DIR is browser/ in cargo's target directory there), then in
// target/browser/node. Exits non-zero when a check fails.

import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");

function parseArgs(argv) {
  const args = { base: null, out: join("target", "browser") };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") args.out = argv[++i];
    else if (!args.base) args.base = argv[i];
  }
  if (!args.base) {
    console.error("usage: node run.mjs BASE_URL [--out DIR]");
    process.exit(2);
  }
  args.base = args.base.replace(/\/+$/, "");
  return args;
}

function loadPlaywright(out) {
  const places = [
    import.meta.url,
    join(resolve(out), "node", "index.js"),
    join(repoRoot, "target", "browser", "node", "index.js"),
  ];
  for (const from of places) {
    try {
      return createRequire(from)("playwright-core");
    } catch {
      // Try the next place.
    }
  }
  console.error("playwright-core is not installed; run scripts/browser-test.sh");
  process.exit(2);
}

const { base, out } = parseArgs(process.argv.slice(2));
const { chromium } = loadPlaywright(out);

// Debian's Chromium: the browser builds that Playwright would download are not available here.
const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// A 1×1 PNG, enough for the photo upload.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

// A last name that needs percent-encoding in a URL (quote, space, percent sign).
const NEW_LNAME = "O'Brien 100%";

// ---------------------------------------------------------------------------------------------
// A tiny runner: checks run in order, each failure is reported and counted.

const results = { passed: 0, failed: 0 };

/** Runs one check; returns whether it passed. */
async function check(name, body) {
  try {
    await body();
    results.passed++;
    console.log(`ok   ${name}`);
    return true;
  } catch (error) {
    results.failed++;
    // The first lines say what went wrong; the rest is Playwright's call log.
    const lines = String(error?.message ?? error).split("\n").slice(0, 4);
    console.log(`FAIL ${name}\n     ${lines.join("\n     ")}`);
    return false;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers on the API (outside the page) and on the demo page

async function apiToken(request) {
  const res = await request.post(`${base}/api/v1/oauth/token`, {
    form: { grant_type: "client_credentials", client_id: "demo-client", client_secret: "demo-secret" },
  });
  assert(res.ok(), `token request failed: ${res.status()}`);
  return (await res.json()).access_token;
}

async function apiCall(request, method, path, data) {
  const token = await apiToken(request);
  return request.fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
}

/** [fname, lname] of each row, as shown. */
async function tableRows(page) {
  return page.$$eval("#people tbody tr[data-lname]", (rows) =>
    rows.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]),
  );
}

/** Waits until the table shows exactly these rows. */
async function waitForRows(page, expected) {
  await page
    .waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll("#people tbody tr[data-lname]")].map((tr) => [
            tr.cells[0].textContent,
            tr.cells[1].textContent,
          ]),
        ) === JSON.stringify(want),
      expected,
      { timeout: 5000 },
    )
    .catch(async () => {
      assertEqual(await tableRows(page), expected, "table rows");
    });
}

const row = (page, lname) => page.locator(`#people tbody tr[data-lname=${JSON.stringify(lname)}]`);

async function waitForText(locator, text, what) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 5000 });
  } catch {
    const shown = (await locator.count()) ? await locator.first().textContent() : "(nothing)";
    throw new Error(`${what}: expected text containing ${JSON.stringify(text)}, got ${JSON.stringify(shown)}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function demoChecks(page) {
  const errorBox = page.locator("#error");
  const statusBox = page.locator("#status");

  const loaded = await check("the demo page lists the seed people, sorted by last name", async () => {
    const res = await page.goto(`${base}/`);
    assert(res && res.ok(), `GET / answered ${res && res.status()}`);
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
    ]);
  });
  // Nothing else on the page can work without its table.
  if (!loaded) return;

  await check("sorting follows the column headers (first name, descending)", async () => {
    const byFirst = page.getByRole("button", { name: "First name", exact: true });
    await byFirst.click();
    await waitForRows(page, [
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
      ["Kent", "Brockman"],
    ]);
    await byFirst.click();
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Doug", "Farrell"],
      ["Bunny", "Easter"],
    ]);
    assertEqual(
      await page.locator("th:has(button[data-sort=fname])").getAttribute("aria-sort"),
      "descending",
      "aria-sort",
    );
    await page.getByRole("button", { name: "Last name", exact: true }).click();
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
    ]);
  });

  await check("create adds the person to the table", async () => {
    await page.getByLabel("First name").fill("Ada");
    await page.getByLabel("Last name", { exact: true }).fill(NEW_LNAME);
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await waitForText(statusBox, "Created Ada", "status");
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
      ["Ada", NEW_LNAME],
    ]);
  });

  await check("a duplicate create shows the API's message", async () => {
    await page.getByLabel("First name").fill("Doug");
    await page.getByLabel("Last name", { exact: true }).fill("Farrell");
    // Enter submits the form.
    await page.getByLabel("Last name", { exact: true }).press("Enter");
    await waitForText(errorBox, "already exists", "error message");
    assert(await errorBox.isVisible(), "the error is not visible");
    assertEqual((await tableRows(page)).length, 4, "rows after a failed create");
  });

  await check("'.' and '..' are refused before anything is sent, in the API's words", async () => {
    const sent = [];
    const watch = (request) => {
      if (new URL(request.url()).pathname.startsWith("/api/v1/people")) {
        sent.push(`${request.method()} ${request.url()}`);
      }
    };
    page.on("request", watch);
    try {
      for (const dots of [".", ".."]) {
        await page.getByLabel("First name").fill("Dot");
        await page.getByLabel("Last name", { exact: true }).fill(dots);
        await page.getByRole("button", { name: "Create", exact: true }).click();
        await waitForText(errorBox, "lname: must not be '.' or '..'", "error message");
        assertEqual(
          await page.locator("#lname").getAttribute("aria-invalid"),
          "true",
          "aria-invalid on the last name",
        );
      }
    } finally {
      page.off("request", watch);
    }
    assertEqual(sent, [], "requests the page sent");
    const res = await apiCall(page.request, "POST", "/people", { fname: "Dot", lname: ".." });
    assertEqual(res.status(), 422, "the API's answer to the same body");
    const body = await res.json();
    assert(
      body.message.includes("lname: must not be '.' or '..'"),
      `the API words it differently: ${body.message}`,
    );
    assertEqual((await tableRows(page)).length, 4, "rows after refused creates");
  });

  await check("one click on a row edits it, and the table follows", async () => {
    await row(page, NEW_LNAME).click();
    await waitForText(page.locator("#editor-title"), `Edit Ada ${NEW_LNAME}`, "editor title");
    assertEqual(await page.locator("#lname").inputValue(), NEW_LNAME, "last name in the form");
    assert(await page.locator("#lname").evaluate((el) => el.readOnly), "the key should be read-only");
    await page.getByLabel("First name").fill("Grace");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await waitForText(statusBox, `Updated ${NEW_LNAME}`, "status");
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
      ["Grace", NEW_LNAME],
    ]);
  });

  await check("a photo upload is stored and shown", async () => {
    await page.getByLabel("Choose an image").setInputFiles({
      name: "dot.png",
      mimeType: "image/png",
      buffer: PNG,
    });
    await waitForText(page.locator("#photo-caption"), "Preview of dot.png", "caption");
    await page.getByRole("button", { name: "Upload photo", exact: true }).click();
    await waitForText(page.locator("#photo-caption"), `Photo of ${NEW_LNAME}`, "caption");
    await page.waitForFunction(() => {
      const img = document.getElementById("photo-preview");
      return !img.hidden && img.src.startsWith("blob:") && img.complete && img.naturalWidth === 1;
    });
    const res = await apiCall(page.request, "GET", `/people/${encodeURIComponent(NEW_LNAME)}/photo`);
    assertEqual(res.status(), 200, "GET photo");
    assert((await res.body()).equals(PNG), "the stored photo differs from the uploaded one");
  });

  await check("an expired token is renewed without the user noticing", async () => {
    const res = await page.request.post(`${base}/__mock/expire-tokens`, { data: {} });
    assert(res.ok(), `expiring tokens answered ${res.status()}`);
    await page.getByLabel("First name").fill("Ada");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await waitForText(statusBox, `Updated ${NEW_LNAME}`, "status");
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
      ["Ada", NEW_LNAME],
    ]);
    assert(!(await errorBox.isVisible()), `an error is shown: ${await errorBox.textContent()}`);
  });

  await check("a change made elsewhere is said in words, with a Reload", async () => {
    const path = `/people/${encodeURIComponent(NEW_LNAME)}`;
    const res = await apiCall(page.request, "PUT", path, { fname: "Augusta", lname: NEW_LNAME });
    assert(res.ok(), `PUT behind the page's back answered ${res.status()}`);
    await page.getByLabel("First name").fill("Lovelace");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await waitForText(errorBox, "Someone else changed this person", "error message");
    assert(!(await errorBox.textContent()).includes("If-Match"), "no If-Match jargon");
    await errorBox.getByRole("button", { name: "Reload", exact: true }).click();
    await page.waitForFunction(() => document.getElementById("fname").value === "Augusta");
    assert(!(await errorBox.isVisible()), "the error stays after Reload");
    await page.getByLabel("First name").fill("Ada");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await waitForText(statusBox, `Updated ${NEW_LNAME}`, "status");
  });

  await check("a validation error says each problem once", async () => {
    await page.getByLabel("First name").fill(" Ada");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await errorBox.waitFor({ state: "visible" });
    const text = await errorBox.textContent();
    const problem = "must not start or end with white space";
    assertEqual(text.split(problem).length - 1, 1, `times the problem is said in ${JSON.stringify(text)}`);
    await page.getByLabel("First name").fill("Ada");
  });

  await check("delete asks first; No keeps the person", async () => {
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      dialog.dismiss();
    });
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.waitForFunction(() => !document.body.classList.contains("busy"));
    assertEqual(asked, `Delete ${NEW_LNAME}? This cannot be undone.`, "the question");
    const res = await apiCall(page.request, "GET", `/people/${encodeURIComponent(NEW_LNAME)}`);
    assertEqual(res.status(), 200, "the person after No");
  });

  await check("delete removes the person from the table", async () => {
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await waitForText(statusBox, `Deleted ${NEW_LNAME}`, "status");
    await waitForRows(page, [
      ["Kent", "Brockman"],
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
    ]);
    assertEqual(await page.locator("#editor-title").textContent(), "New person", "editor title");
  });

  await check("keyboard: Enter on a row edits it, Escape cancels", async () => {
    await row(page, "Easter").focus();
    await page.keyboard.press("Enter");
    await waitForText(page.locator("#editor-title"), "Edit Bunny Easter", "editor title");
    assert(await page.locator("#fname").evaluate((el) => el === document.activeElement), "focus is not on the first name");
    await page.keyboard.press("Escape");
    await waitForText(page.locator("#editor-title"), "New person", "editor title");
    assert(await page.locator("#delete").isHidden(), "Delete should be hidden outside editing");
  });

  await check("a person deleted meanwhile shows the API's message", async () => {
    await row(page, "Brockman").click();
    await waitForText(page.locator("#editor-title"), "Edit Kent Brockman", "editor title");
    const gone = await apiCall(page.request, "DELETE", "/people/Brockman");
    assertEqual(gone.status(), 204, "DELETE behind the page's back");
    const expected = await (await apiCall(page.request, "GET", "/people/Brockman")).json();
    assert(expected.message, "the API gave no message");
    await page.getByLabel("First name").fill("Kenneth");
    await page.getByRole("button", { name: "Update", exact: true }).click();
    await waitForText(errorBox, expected.message, "error message");
    await waitForRows(page, [
      ["Bunny", "Easter"],
      ["Doug", "Farrell"],
    ]);
    await page.keyboard.press("Escape");
  });

  await check("paging: previous and next walk the pages", async () => {
    for (const [fname, lname] of [
      ["Ann", "Abel"],
      ["Ben", "Baker"],
      ["Cy", "Carter"],
      ["Di", "Dunn"],
    ]) {
      const res = await apiCall(page.request, "POST", "/people", { fname, lname });
      assertEqual(res.status(), 201, `POST ${lname}`);
    }
    await page.getByLabel("Per page").selectOption("5");
    await waitForText(page.locator("#page-info"), "Page 1 of 2", "page info");
    assertEqual((await tableRows(page)).length, 5, "rows on page 1");
    assert(await page.locator("#prev").isDisabled(), "Previous should be disabled on page 1");
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await waitForText(page.locator("#page-info"), "Page 2 of 2", "page info");
    await waitForRows(page, [["Doug", "Farrell"]]);
    assert(await page.locator("#next").isDisabled(), "Next should be disabled on the last page");
    await page.getByRole("button", { name: "Previous", exact: true }).click();
    await waitForText(page.locator("#page-info"), "Page 1 of 2", "page info");
  });

  await page.screenshot({ path: join(out, "demo.png"), fullPage: true });
}

// File names a browser writes into multipart/form-data (the HTML standard's encoding: `"`, CR and
// LF as %22, %0D and %0A, everything else as it is, `%41` included), which the mock must read
// back unchanged.
const AWKWARD_FILE_NAMES = ["100%.txt", "50%41.txt", 'say "hi".txt', "back\\slash.txt", "naïve 李.txt"];

async function uploadChecks(page) {
  await check("file names uploaded by the browser are stored as the browser was given them", async () => {
    const lname = "Upload Names";
    const created = await apiCall(page.request, "POST", "/people", { fname: "Ann", lname });
    assertEqual(created.status(), 201, "POST /people");
    const answer = await page.evaluate(
      async ({ lname, names }) => {
        const token = await fetch("/api/v1/oauth/token", {
          method: "POST",
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: "demo-client",
            client_secret: "demo-secret",
          }),
        }).then((res) => res.json());
        const form = new FormData();
        names.forEach((name, i) => form.append("files", new File([`file ${i}`], name, { type: "text/plain" })));
        const res = await fetch(`/api/v1/people/${encodeURIComponent(lname)}/attachments`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token.access_token}` },
          body: form,
        });
        return { status: res.status, body: await res.json() };
      },
      { lname, names: AWKWARD_FILE_NAMES },
    );
    assertEqual(answer.status, 201, "POST attachments");
    assertEqual(answer.body.data.map((a) => a.filename), AWKWARD_FILE_NAMES, "stored file names");
    const removed = await apiCall(page.request, "DELETE", `/people/${encodeURIComponent(lname)}`);
    assertEqual(removed.status(), 204, "DELETE the person");
  });
}

async function docsChecks(page) {
  const operation = page.locator("#operations-people-list_people");

  const loaded = await check("the docs page loads the spec", async () => {
    const res = await page.goto(`${base}/api/v1/ui/`);
    assert(res && res.ok(), `GET /api/v1/ui/ answered ${res && res.status()}`);
    await waitForText(page.locator(".swagger-ui .info .title"), "People", "title");
    await operation.waitFor();
  });
  if (!loaded) return;

  await check("the operations come first: the contract's prose is folded", async () => {
    const prose = page.locator(".swagger-ui details.contract-prose");
    await prose.waitFor({ state: "attached" });
    assert(!(await prose.evaluate((el) => el.open)), "the prose is open");
    const opTop = (await operation.boundingBox()).y;
    assert(opTop < 900, `the first operation starts at ${opTop} px, below the first screen`);
  });

  await check("HEAD operations have a group of their own", async () => {
    const headTag = page.locator(".swagger-ui .opblock-tag-section").filter({ hasText: "HEAD: headers only" });
    await headTag.first().waitFor({ state: "attached" });
    assert((await headTag.locator(".opblock-head").count()) > 0, "no HEAD operation in their group");
    const peopleHeads = await page.locator(".opblock-tag-section:has(#operations-tag-people) .opblock-head").count();
    assertEqual(peopleHeads, 0, "HEAD operations under the people tag");
  });

  await check("Authorize: client credentials with the demo client", async () => {
    await page.locator(".scheme-container .btn.authorize").click();
    const dialog = page.locator(".dialog-ux .modal-ux");
    await dialog.waitFor();
    // The oauth2 scheme's block, pre-filled by the page's initOAuth.
    const clientId = dialog.locator("input[data-name=clientId]");
    const oauth = dialog.locator(".auth-container").filter({ hasText: "clientCredentials" });
    assertEqual(await clientId.inputValue(), "demo-client", "client_id");
    assertEqual(await oauth.locator("input[data-name=clientSecret]").inputValue(), "demo-secret", "client_secret");
    await oauth.locator("button.authorize").click();
    await oauth.locator("button", { hasText: "Logout" }).waitFor({ timeout: 5000 }).catch(async () => {
      const errors = await oauth.locator(".errors").allTextContents();
      throw new Error(`not authorized: ${errors.join(" ") || "no token"}`);
    });
    await dialog.locator("button.close-modal").click();
  });

  await check('"Try it out" on GET /people answers 200', async () => {
    await operation.locator(".opblock-summary").first().click();
    await operation.locator(".try-out__btn").click();
    await operation.locator(".execute").click();
    const status = operation.locator(".live-responses-table .response .response-col_status").first();
    await status.waitFor({ timeout: 10000 });
    assertEqual((await status.textContent()).trim().slice(0, 3), "200", "status of the live response");
    await waitForText(operation.locator(".live-responses-table .microlight"), "Farrell", "response body");
    await operation.locator(".live-responses-table").scrollIntoViewIfNeeded();
  });

  await page.screenshot({ path: join(out, "docs.png") });
}

// ---------------------------------------------------------------------------------------------
// Pages on other origins: a single-page app on a local dev server (a real one, on a free loopback
// port), and a site of an attacker (made up by the browser's request routing). Their requests to
// the mock are real.

/** A page on `origin` with an empty document. */
async function pageOn(context, origin) {
  const page = await context.newPage();
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>elsewhere</title>" }),
  );
  await page.goto(`${origin}/`);
  return page;
}

/** A local dev server on a free loopback port serving an empty page; resolves to its origin. */
function devServer() {
  const server = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<!doctype html><title>dev server</title>");
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

async function crossOriginChecks(context) {
  await check("a page on a local dev server calls the API through CORS", async () => {
    const server = await devServer();
    const app = await context.newPage();
    await app.goto(`http://localhost:${server.address().port}/`);
    const seen = await app.evaluate(async (base) => {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "demo-client",
        client_secret: "demo-secret",
      });
      const token = await (await fetch(`${base}/api/v1/oauth/token`, { method: "POST", body: form })).json();
      const res = await fetch(`${base}/api/v1/people?per_page=1`, {
        headers: { Authorization: `Bearer ${token.access_token}`, Accept: "application/json" },
      });
      return {
        status: res.status,
        link: res.headers.get("Link"),
        remaining: res.headers.get("X-RateLimit-Remaining"),
        count: (await res.json()).data.length,
      };
    }, base);
    assertEqual([seen.status, seen.count], [200, 1], "status and rows");
    assert(seen.link?.includes('rel="next"'), `the page cannot read Link: ${seen.link}`);
    assert(seen.remaining !== null, "the page cannot read X-RateLimit-Remaining");
    await app.close();
    server.close();
  });

  await check("a page on another site can neither inject faults nor read the journal", async () => {
    const evil = await pageOn(context, "http://evil.example");
    const outcome = await evil.evaluate(async (base) => {
      const fault = JSON.stringify({ kind: "status", status: 503 });
      await fetch(`${base}/__mock/faults`, {
        method: "POST",
        mode: "no-cors",
        headers: { "Content-Type": "text/plain" },
        body: fault,
      }).catch(() => {});
      try {
        await (await fetch(`${base}/__mock/journal`)).json();
        return "read";
      } catch {
        return "refused";
      }
    }, base);
    assertEqual(outcome, "refused", "reading the journal");
    const faults = await (await evil.request.get(`${base}/__mock/faults`)).json();
    assertEqual(faults.data, [], "faults injected by the page");
    await evil.close();
  });
}

// The demo page on a phone (390×844, touch): cards instead of a wide table, one tap to edit.
async function phoneChecks(browser) {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  phone.setDefaultTimeout(10000);
  const page = await phone.newPage();
  await check("on a phone the page does not scroll sideways", async () => {
    const reset = await page.request.post(`${base}/__mock/reset`, { data: {} });
    assert(reset.ok(), `POST /__mock/reset answered ${reset.status()}`);
    const res = await page.goto(`${base}/`);
    assert(res && res.ok(), `GET / answered ${res && res.status()}`);
    await row(page, "Farrell").waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 390, `the page is ${width} px wide`);
  });
  await check("on a phone every person's Updated time is in view", async () => {
    const boxes = await page.$$eval("#people tbody tr[data-lname] td:nth-child(3)", (cells) =>
      cells.map((td) => {
        const box = td.getBoundingClientRect();
        return { left: box.left, right: box.right, text: td.textContent };
      }),
    );
    assert(boxes.length === 3, `${boxes.length} rows`);
    for (const box of boxes) {
      assert(box.left >= 0 && box.right <= 390, `clipped: ${JSON.stringify(box)}`);
      assert(box.text.length > 0, "an empty time");
    }
  });
  await check("on a phone one tap opens a person, photo buttons in view", async () => {
    await row(page, "Farrell").tap();
    await waitForText(page.locator("#editor-title"), "Edit Doug Farrell", "editor title");
    for (const id of ["photo-upload", "photo-remove", "delete", "save"]) {
      const box = await page.locator(`#${id}`).boundingBox();
      assert(box && box.x >= 0 && box.x + box.width <= 390, `#${id} is clipped: ${JSON.stringify(box)}`);
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 390, `the page is ${width} px wide while editing`);
  });
  await page.screenshot({ path: join(out, "demo-phone.png"), fullPage: true });
  await phone.close();
}

// ---------------------------------------------------------------------------------------------

mkdirSync(out, { recursive: true });
let browser;
try {
  browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  // Uncaught exceptions in the page are failures.
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // Both pages must work offline: nothing may come from another host.
  const foreign = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !/^(data|blob):/.test(url)) foreign.push(url);
  });

  await check("the server starts from its seed data", async () => {
    const res = await page.request.post(`${base}/__mock/reset`, { data: {} });
    assert(res.ok(), `POST /__mock/reset answered ${res.status()}`);
  });
  await demoChecks(page);
  await uploadChecks(page);
  await docsChecks(page);
  await crossOriginChecks(context);
  await phoneChecks(browser);
  await check("no script errors in the pages", async () => {
    assertEqual(pageErrors, [], "uncaught errors");
  });
  await check("the pages load nothing from other hosts", async () => {
    assertEqual(foreign, [], "requests to other hosts");
  });
} catch (error) {
  results.failed++;
  console.log(`FAIL the browser run stopped: ${error.message}`);
} finally {
  await browser?.close();
}

console.log(
  `screenshots: ${join(out, "demo.png")}, ${join(out, "demo-phone.png")}, ${join(out, "docs.png")}`,
);
console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
