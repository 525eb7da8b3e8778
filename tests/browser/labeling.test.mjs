// End-to-end test of the annotation tools (LBL-1 to LBL-4 in the browser).
//
//   node --test tests/browser/labeling.test.mjs
//
// Set up over the API: a project with a labeler (kim) and a reviewer (rev, project manager), a
// vision dataset of two PNGs and a language dataset with a Korean sentence and a Korean QA item;
// schemas for boxes, polygons, entities and QA, one labeling project each, every item assigned
// to kim. In chromium, as kim: draw a box on the canvas after choosing its class with a hotkey,
// zoom in and out, submit; draw a polygon by clicking three vertices and closing it, drag a vertex
// with the select tool, submit; select "서울" in the Korean sentence and tag it LOC (offsets in code
// points), submit; highlight the answer of the QA item in its context, submit; draw a box on the
// second image and close the tab at once: the keepalive save reaches the server. As rev: the
// review queue opens the box item, a rejection with a comment shows on it. Every change is found
// in the label history (the item's panel and the project's History tab), and the server's
// history matches it action by action. Screenshots go to tests/browser/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUT, adminClient, browserSession, buildTar, tinyPng } from './harness.mjs';

const P = 'label-ui';
const USERS = { kim: 'kim-password-1', rev: 'rev-password-1' };
const SENTENCE = '김철수는 서울에서 일한다.';
const QA = { context: '세종대왕은 1443년에 한글을 만들었다.', question: '누가 한글을 만들었나?' };

async function signIn(page, base, user) {
  if (!/\/login/.test(page.url())) {
    await page.goto(`${base}/projects`);
    if (!/\/login/.test(page.url())) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
    }
  }
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', USERS[user]);
  await page.click('button[type=submit]');
  await page.getByTestId('current-user').waitFor();
}

/** Selects `needle` inside the element of `testid` and releases the mouse there, as a person would. */
async function selectText(page, testid, needle) {
  await page.evaluate(
    ({ testid, needle }) => {
      const root = document.querySelector(`[data-testid="${testid}"]`);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent.indexOf(needle);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + needle.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        root.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
        return;
      }
      throw new Error(`"${needle}" not found`);
    },
    { testid, needle },
  );
}

test('labeling UI: box, polygon, Korean span, QA answer, autosave on close, review, history', { timeout: 300_000 }, async (t) => {
  const { server, password, openPage } = await browserSession(t, 'labeling');
  const { api, token } = await adminClient(server.base, password);
  const upload = async (ds, files) => {
    const path = `/api/v1/projects/${P}/datasets/${ds}/uploads`;
    const { upload: up } = await api('POST', path, {});
    const res = await fetch(`${server.base}${path}/${up.id}/parts/1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: buildTar(files),
    });
    assert.equal(res.status, 200, await res.text());
    const { round } = await api('POST', `${path}/${up.id}/complete`, { format: 'archive' });
    return (await api('POST', `/api/v1/projects/${P}/datasets/${ds}/versions`, { rounds: [round.number] })).version.name;
  };
  await api('POST', '/api/v1/projects', { name: P });
  for (const [username, pw] of Object.entries(USERS)) await api('POST', '/api/v1/users', { username, password: pw });
  await api('PUT', `/api/v1/projects/${P}/members/kim`, { role: 'labeler' });
  await api('PUT', `/api/v1/projects/${P}/members/rev`, { role: 'project-manager' });
  await api('POST', `/api/v1/projects/${P}/datasets`, { name: 'photos', domain: 'vision' });
  await api('POST', `/api/v1/projects/${P}/datasets`, { name: 'texts', domain: 'language' });
  const pv = await upload('photos', { 'a.png': tinyPng(1), 'b.png': tinyPng(2) });
  const tv = await upload('texts', { 'n1.txt': SENTENCE, 'q1.json': JSON.stringify(QA) });
  const schemas = {
    objs: { task_type: 'object_detection', classes: [{ name: 'car', hotkey: '1', color: '#e03131' }, { name: 'bus', hotkey: '2', color: '#1c7ed6' }] },
    segs: { task_type: 'segmentation', classes: [{ name: 'road', hotkey: '1' }] },
    ents: { task_type: 'ner', classes: [{ name: 'PER', hotkey: '1' }, { name: 'LOC', hotkey: '2' }] },
    answers: { task_type: 'qa' },
  };
  for (const [name, spec] of Object.entries(schemas)) await api('POST', `/api/v1/projects/${P}/label-schemas`, { name, spec });
  const projects = { det: ['photos', pv, 'objs', ''], seg: ['photos', pv, 'segs', 'a'], ner: ['texts', tv, 'ents', 'n'], qa: ['texts', tv, 'answers', 'q'] };
  for (const [name, [dataset, version, schema, path_prefix]] of Object.entries(projects)) {
    await api('POST', `/api/v1/projects/${P}/labeling`, { name, dataset, version, schema, path_prefix });
    await api('POST', `/api/v1/projects/${P}/labeling/${name}/assign`, { mode: 'manual', labelers: ['kim'] });
  }
  const lp = (name) => `/api/v1/projects/${P}/labeling/${name}`;
  const assignmentsOf = async (name) => (await api('GET', `${lp(name)}/assignments`)).assignments;
  const itemOf = async (name, path) => (await assignmentsOf(name)).find((a) => a.path === path);
  const annotationOf = async (name, path) => {
    const a = await itemOf(name, path);
    const { item } = await api('GET', `${lp(name)}/items/${a.item_id}`);
    return item.assignments[0];
  };

  const { page, pageErrors, shot } = await openPage();
  try {
    await page.goto(`${server.base}/projects/${P}?tab=labeling`);
    await page.waitForURL(/\/login/);
    await signIn(page, server.base, 'kim');

    // ---- A box: the labeling tab lists the projects; my work opens a.png; hotkey 2 picks "bus".
    await page.goto(`${server.base}/projects/${P}?tab=labeling`);
    await page.getByTestId('labeling-table').locator('[data-labeling=det] a').click();
    await page.getByRole('tab', { name: 'My work' }).click();
    await page.getByTestId('my-work').locator('[data-path="a.png"] a').click();
    const canvas = page.getByTestId('canvas');
    await canvas.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=canvas] image'));
    const zoomBefore = await page.getByTestId('zoom-level').innerText();
    await page.getByTestId('zoom-in').click();
    assert.notEqual(await page.getByTestId('zoom-level').innerText(), zoomBefore, 'zoom changes');
    await page.getByTestId('zoom-out').click();
    await page.keyboard.press('2');
    const box = await canvas.boundingBox();
    // The 4x4 image fills the middle of the 800x560 view (140 px per image pixel).
    await page.mouse.move(box.x + 260, box.y + 140);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 280, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('shape-box-0').waitFor();
    assert.equal(await page.getByTestId('shape-box-0').getAttribute('data-class'), 'bus');
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
    const drafted = await annotationOf('det', 'a.png');
    assert.equal(drafted.state, 'in_progress');
    assert.equal(drafted.annotation.boxes.length, 1);
    assert.equal(drafted.annotation.boxes[0].class, 'bus');
    assert.ok(drafted.annotation.boxes[0].w > 0.5 && drafted.annotation.boxes[0].x + drafted.annotation.boxes[0].w <= 4);
    await shot('labeling-box.png');
    await page.getByTestId('submit').click();
    await page.getByTestId('assignment-state').filter({ hasText: 'submitted' }).waitFor();

    // ---- A box on b.png, then the tab closes before the autosave pause: the keepalive save arrives.
    await page.getByTestId('next').click();
    await page.waitForURL(/items\/\d+$/);
    await page.getByRole('heading', { name: 'b.png' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=canvas] image'));
    await page.mouse.move(box.x + 300, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 500, box.y + 400, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('shape-box-0').waitFor();
    await page.close({ runBeforeUnload: true });
    let kept;
    for (let i = 0; i < 50 && !(kept && kept.annotation.boxes?.length); i++) {
      await new Promise((r) => setTimeout(r, 100));
      kept = await annotationOf('det', 'b.png');
    }
    assert.equal(kept.annotation.boxes?.length, 1, 'the box drawn just before closing the tab reached the server');

    // ---- A new tab of the same browser (still signed in).
    const page2 = await page.context().newPage();
    page2.setDefaultTimeout(20_000);
    page2.on('pageerror', (e) => pageErrors.push(e.message));
    const second = { shot: (file) => page2.screenshot({ path: `${OUT}/${file}`, fullPage: true }) };
    // ---- A polygon: three clicks and a click on the first vertex; then drag a vertex.
    await page2.goto(`${server.base}/projects/${P}/labeling/seg?tab=work`);
    await page2.getByTestId('my-work').locator('[data-path="a.png"] a').click();
    await page2.waitForFunction(() => document.querySelector('[data-testid=canvas] image'));
    const b = await page2.getByTestId('canvas').boundingBox();
    for (const [x, y] of [[200, 100], [600, 100], [400, 450], [200, 100]]) await page2.mouse.click(b.x + x, b.y + y);
    await page2.getByTestId('shape-polygon-0').waitFor();
    await page2.getByTestId('tool-select').click();
    const v = await page2.getByTestId('vertex-0-2').boundingBox();
    await page2.mouse.move(v.x + v.width / 2, v.y + v.height / 2);
    await page2.mouse.down();
    await page2.mouse.move(b.x + 400, b.y + 520, { steps: 5 });
    await page2.mouse.up();
    await page2.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
    const poly = (await annotationOf('seg', 'a.png')).annotation.polygons;
    assert.equal(poly.length, 1);
    assert.equal(poly[0].points.length, 3);
    assert.equal(poly[0].class, 'road');
    assert.ok(poly[0].points[2][1] > 3.4, `the dragged vertex moved down: ${JSON.stringify(poly[0].points)}`);
    await second.shot('labeling-polygon.png');
    await page2.getByTestId('submit').click();
    await page2.getByTestId('assignment-state').filter({ hasText: 'submitted' }).waitFor();

    // ---- A Korean entity: select 서울, tag it LOC (hotkey 2).
    await page2.goto(`${server.base}/projects/${P}/labeling/ner?tab=work`);
    await page2.getByTestId('my-work').locator('[data-path="n1.txt"] a').click();
    await page2.getByTestId('span-text').filter({ hasText: SENTENCE }).waitFor();
    await page2.keyboard.press('2');
    await selectText(page2, 'span-text', '서울');
    const start = Array.from(SENTENCE).indexOf('서');
    await page2.getByTestId('span-list').locator(`[data-span="LOC:${start}-${start + 2}"]`).waitFor();
    await page2.getByTestId('span-mark').filter({ hasText: '서울' }).waitFor();
    await page2.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
    await second.shot('labeling-span.png');
    await page2.getByTestId('submit').click();
    await page2.getByTestId('assignment-state').filter({ hasText: 'submitted' }).waitFor();
    const spans = (await annotationOf('ner', 'n1.txt')).annotation.spans;
    assert.deepEqual(spans, [{ class: 'LOC', start, end: start + 2, text: '서울' }]);

    // ---- A QA answer highlighted in the context.
    await page2.goto(`${server.base}/projects/${P}/labeling/qa?tab=work`);
    await page2.getByTestId('my-work').locator('[data-path="q1.json"] a').click();
    await page2.getByTestId('qa-question').filter({ hasText: QA.question }).waitFor();
    await selectText(page2, 'qa-context', '세종대왕');
    await page2.getByTestId('qa-answer').filter({ hasText: '세종대왕' }).waitFor();
    await page2.getByTestId('submit').click();
    await page2.getByTestId('assignment-state').filter({ hasText: 'submitted' }).waitFor();
    const answer = (await annotationOf('qa', 'q1.json')).annotation;
    assert.deepEqual(answer.answers, [{ start: 0, end: 4, text: '세종대왕' }]);

    // ---- The reviewer rejects the box with a comment.
    await signIn(page2, server.base, 'rev');
    await page2.goto(`${server.base}/projects/${P}/labeling/det?tab=review`);
    await page2.getByTestId('review-queue').locator('[data-path="a.png"] a').click();
    await page2.getByTestId('shape-box-0').waitFor();
    await page2.getByTestId('reject').click();
    await page2.getByText('a rejection needs a comment').waitFor();
    await page2.getByTestId('review-comment').fill('버스가 아니라 승용차입니다');
    await page2.getByTestId('reject').click();
    await page2.getByTestId('assignment-state').filter({ hasText: 'rejected' }).waitFor();
    await page2.getByTestId('reject-comment').filter({ hasText: '버스가 아니라 승용차입니다' }).waitFor();
    await page2.getByTestId('item-history').locator('[data-action=reject]').waitFor();

    // ---- Every change is in the history, as the server records it.
    for (const name of ['det', 'seg', 'ner', 'qa']) {
      await page2.goto(`${server.base}/projects/${P}/labeling/${name}?tab=history`);
      const rows = page2.getByTestId('label-history').locator('tr');
      const { events } = await api('GET', `${lp(name)}/history`);
      await page2.waitForFunction(
        ({ n }) => document.querySelectorAll('[data-testid=label-history] tr').length === n,
        { n: events.length },
      );
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.dataset.action}:${tr.dataset.path}`));
      assert.deepEqual(shown, events.map((e) => `${e.action}:${e.path}`), `history of ${name}`);
      const actions = new Set(events.map((e) => e.action));
      // The QA answer was submitted before its autosave pause ended: no draft was saved there.
      for (const a of name === 'qa' ? ['assign', 'submit'] : ['assign', 'save', 'submit']) assert.ok(actions.has(a), `${name} history has ${a}`);
    }
    const det = (await api('GET', `${lp('det')}/history`)).events.filter((e) => e.path === 'a.png').map((e) => `${e.action}:${e.actor}`);
    assert.deepEqual(det, ['assign:admin', 'save:kim', 'submit:kim', 'reject:rev']);
    await second.shot('labeling-history.png');
  } finally {
    assert.deepEqual(pageErrors, []);
  }
});
