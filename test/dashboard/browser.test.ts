import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO } from '../../src/local/tenant';
import { principal, startServe, twoRingPlan, waitForRollout, type ServeChild } from '../support/serve';

/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core; no browser is ever downloaded), during
 * a rollout under `serve`. App Service Authentication is played by the header it would add, x-ms-client-principal.
 */

jest.setTimeout(150_000);

const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots go: test-output/ at the repository root (ignored by git). */
const OUTPUT = resolve(__dirname, '../../../test-output');
const STARTER = DEMO.users.approvers[0] ?? '';
const APPROVER = DEMO.users.approvers[1] ?? '';
const OUTSIDER = DEMO.users.outsider;

const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) {
  process.stderr.write(`SKIPPED: the dashboard browser test needs ${CHROMIUM} (apt-get install -y chromium); none is installed here.\n`);
}
const describeWithBrowser = haveBrowser ? describe : describe.skip;

/** The ring strip as "name:classes", left to right. */
async function ringStrip(page: Page): Promise<string[]> {
  const rings = await page.locator('.ring').all();
  return Promise.all(rings.map(async (ring) => `${(await ring.getAttribute('data-ring')) ?? ''}:${(await ring.getAttribute('class')) ?? ''}`));
}

describeWithBrowser('the dashboard in a browser, during a rollout under serve', () => {
  let serve: ServeChild;
  let browser: Browser;
  let id = '';

  async function pageAs(who: string, name: string, roles: string[]): Promise<Page> {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-ms-client-principal': principal(who, name, roles) }, viewport: { width: 1000, height: 900 } });
    return context.newPage();
  }

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    serve = await startServe();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const started = await fetch(`${serve.url}/api/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-client-principal': principal(STARTER, 'Sam Starter', ['Rollout.Operator']) },
      body: JSON.stringify(twoRingPlan('displayAppInformation')),
    });
    expect(started.status).toBe(202);
    id = ((await started.json()) as { id: string }).id;
    await waitForRollout(serve.url, id, (r) => r.status === 'AwaitingApproval');
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('lists the rollout, and shows a caller without a role its rings and pending approval but no buttons', async () => {
    const page = await pageAs(OUTSIDER, 'Olive Outsider', []);
    // With a trailing slash, as a hand-typed address may have it: the links still lead to the rollout.
    await page.goto(`${serve.url}/api/dashboard/`);
    await page.click(`a:text("${id}")`);
    await page.waitForURL(`**/api/dashboard/${id}`);
    expect(await ringStrip(page)).toEqual(['pilot:ring live', 'everyone:ring waiting']);
    expect(await page.locator('section.approval').innerText()).toMatch(/Ring pilot waits for a decision until .* UTC/);
    expect(await page.locator('button').count()).toBe(0);
    expect(await page.locator('.viewer').innerText()).toContain('Signed in as Olive Outsider');
  });

  it('shows an approver approve and reject, and a click on approve with a reason moves the rollout on', async () => {
    const page = await pageAs(APPROVER, 'Avery Approver', ['Rollout.Approver']);
    await page.goto(`${serve.url}/api/dashboard/${id}`);
    expect(await page.locator('section.actions button').allInnerTexts()).toEqual(['approve', 'reject']);
    expect(await page.locator('figure.chart svg line.bound').count()).toBe(1);
    await page.screenshot({ path: resolve(OUTPUT, 'dashboard-rollout.png'), fullPage: true });

    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void (dialog.type() === 'prompt' ? dialog.accept('pilot looks healthy') : dialog.accept());
    });
    await page.click('button[data-action="approve"]');
    const moved = await waitForRollout(serve.url, id, (r) => r.status === 'Completed');
    expect(dialogs).toEqual([`prompt: Reason to approve rollout ${id} at ring pilot (recorded in the history):`, `confirm: Really approve rollout ${id} at ring pilot?`]);
    const decided = (moved.history as Array<{ event: string; actor?: { name: string }; message: string }>).find((e) => e.event === 'Approval.Decided');
    expect(decided).toMatchObject({ actor: { name: 'Avery Approver' }, message: 'Approved by Avery Approver' });
    await page.waitForSelector('.status.Completed', { timeout: 20_000 });
    expect(await ringStrip(page)).toEqual(['pilot:ring done', 'everyone:ring done']);
    expect(await page.locator('button').count()).toBe(0);
  });
});
