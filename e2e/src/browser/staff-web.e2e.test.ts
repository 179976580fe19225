import { londonDate } from '@mbs/contracts';
import type { Browser, Page } from 'playwright-core';
import { connectStaffBus } from '../system/clients';
import { pointDemoGatewayAtThisRelay, setSinkBehaviour, waitForState } from '../system/flow';
import { startSystem, type RunningSystem } from '../system/system';
import {
  launchBrowser,
  newVisitor,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
} from './browser';

/** The development accounts web creates on a fresh database (its README). */
const STAFF = { username: 'ada', password: 'screening-staff-dev' };
const ADMIN = { username: 'admin', password: 'screening-admin-dev' };

/**
 * The staff web application in Debian's Chromium, against the whole system started from its
 * built processes (one system and one browser for the suite), as clinic staff use it.
 */
describe('the staff web application (Chromium, every process, real RabbitMQ)', () => {
  let system: RunningSystem;
  let browser: Browser;
  let staffBus: Awaited<ReturnType<typeof connectStaffBus>>;
  let today: string;
  const visitors: Array<{ close(): Promise<void>; problems: string[] }> = [];

  beforeAll(async () => {
    // Both at once; if either fails, the other is still stopped (a system left running would
    // keep its processes and broker users after the suite).
    const [started, launched] = await Promise.allSettled([
      startSystem({
        dispatcher: {
          DISPATCHER_RETRY_LIMIT: '40',
          DISPATCHER_RETRY_BASE_MS: '200',
          DISPATCHER_RETRY_MAX_MS: '1000',
          DISPATCHER_ACK_TIMEOUT_MS: '3000',
          DISPATCHER_CONFIRM_TIMEOUT_MS: '15000',
          DISPATCHER_ECHO_INTERVAL_MS: '1000',
        },
      }),
      launchBrowser(),
    ]);
    if (started.status === 'fulfilled') system = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [started, launched])
      if (outcome.status === 'rejected') throw outcome.reason;
    staffBus = await connectStaffBus(system);
    await pointDemoGatewayAtThisRelay(system);
    today = londonDate(new Date());
  }, 180_000);

  afterEach(async () => {
    await setSinkBehaviour(system, { mode: 'accept' });
    const problems = visitors.flatMap((v) => v.problems);
    await Promise.all(visitors.splice(0).map((v) => v.close()));
    // No page broke its content security policy or threw.
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await staffBus?.bus.close();
    await system?.stop();
  }, 60_000);

  const clinicId = (session: 'am' | 'pm') => `clinic-leeds-${today}-${session}`;
  const appointmentId = (session: 'am' | 'pm', n: number) =>
    `apt-leeds-${today}-${session}-${String(n).padStart(2, '0')}`;

  async function staffPage(who = STAFF, options: { javaScript?: boolean } = {}) {
    const visitor = await newVisitor(browser, options);
    visitors.push(visitor);
    await signIn(visitor.page, system.urls.web, who.username, who.password);
    return visitor.page;
  }

  /** The status cell of an appointment's row on a clinic page. */
  const statusOf = (page: Page, id: string) => page.locator(`#status-appointment-${id}`);

  /** Marks the page so a test can tell a reload (the mark is lost) from a live update. */
  const markPage = (page: Page) =>
    page.evaluate(() => ((window as { unreloaded?: boolean }).unreloaded = true));
  const stillUnreloaded = (page: Page) =>
    page.evaluate(() => (window as { unreloaded?: boolean }).unreloaded === true);

  async function expectAccessible(page: Page, name: string) {
    await screenshot(page, name);
    expect({ page: name, violations: await seriousAccessibilityViolations(page) }).toEqual({
      page: name,
      violations: [],
    });
  }

  it('signs in, opens a clinic, sends a participant to the modality and watches the tag become "With modality" without reloading', async () => {
    // The hospital takes two seconds to accept, so the page is drawn before it confirms.
    await setSinkBehaviour(system, { mode: 'accept', delayMs: 2_000 });
    const page = await staffPage();
    await expectAccessible(page, '02-clinics');
    await page.click(`a[href="/clinics/${clinicId('am')}"]`);
    await expect(statusOf(page, appointmentId('am', 2)).textContent()).resolves.toContain(
      'Checked in',
    );
    await page.click(
      `#actions-appointment-${appointmentId('am', 2)} a:has-text("Send to modality")`,
    );
    await expectAccessible(page, '04-send-to-modality');
    await expect(page.locator('main').textContent()).resolves.toMatch(/Accession number\s*MBS/);
    await page.click('button:has-text("Send to modality")');
    await page.waitForURL(`**/clinics/${clinicId('am')}`);
    await expect(page.locator('#notifications').textContent()).resolves.toContain('Request sent');
    await markPage(page);
    await page.waitForFunction(
      (id) =>
        document.getElementById(`status-appointment-${id}`)?.textContent?.includes('With modality'),
      appointmentId('am', 2),
      { timeout: 20_000 },
    );
    expect(await stillUnreloaded(page)).toBe(true);
    await expect(page.locator('#live-status').textContent()).resolves.toContain(
      'update automatically',
    );
    await expectAccessible(page, '03-clinic');
  });

  it('shows a destination that rejects, and its reason, live on the appointment page', async () => {
    await setSinkBehaviour(system, {
      mode: 'reject',
      status: 422,
      reason: 'Unknown patient',
      delayMs: 1_000,
    });
    const page = await staffPage();
    const id = appointmentId('am', 3);
    await page.goto(`${system.urls.web}/appointments/${id}`);
    await page.click('#appointment-status a:has-text("Send to modality")');
    await page.click('button:has-text("Send to modality")');
    await page.waitForURL(`**/appointments/${id}`);
    await markPage(page);
    await page.waitForFunction(
      () =>
        document.getElementById('appointment-messages')?.textContent?.includes('Unknown patient'),
      undefined,
      { timeout: 20_000 },
    );
    const messages = await page.locator('#appointment-messages').textContent();
    expect(messages).toContain('Failed while the hospital system refused it');
    expect(messages).toContain('Unknown patient');
    await page.waitForFunction(
      () => document.getElementById('appointment-status')?.textContent?.includes('Checked in'),
      undefined,
      { timeout: 10_000 },
    );
    expect(await stillUnreloaded(page)).toBe(true);
    await expectAccessible(page, '05-appointment-failed');
  });

  it('checks in, and withdraws a send the hospital has not answered, with a reason', async () => {
    const page = await staffPage();
    const id = appointmentId('am', 4);
    await page.goto(`${system.urls.web}/clinics/${clinicId('am')}`);
    await page.click(`#actions-appointment-${id} button:has-text("Check in")`);
    await page.waitForFunction(
      (aid) =>
        document.getElementById(`status-appointment-${aid}`)?.textContent?.includes('Checked in'),
      id,
      { timeout: 15_000 },
    );
    // The hospital's gateway goes offline: the order waits, unanswered.
    await system.parts.gateway.stop();
    try {
      await page.click(`#actions-appointment-${id} a:has-text("Send to modality")`);
      await page.click('button:has-text("Send to modality")');
      await page.waitForURL(`**/clinics/${clinicId('am')}`);
      await waitForState(system, id, 'sent_to_modality');
      await page.click(`#actions-appointment-${id} a:has-text("Withdraw send")`);
      await page.click('button:has-text("Withdraw send")');
      await expect(page.locator('.nhsuk-error-summary').textContent()).resolves.toContain(
        'Enter why you are withdrawing the send',
      );
      await expectAccessible(page, '07-withdraw-with-error');
      await page.fill('#reason', 'No answer from the hospital; phoned the unit');
      await page.click('button:has-text("Withdraw send")');
      await page.waitForURL(`**/clinics/${clinicId('am')}`);
      await page.waitForFunction(
        (aid) =>
          document.getElementById(`status-appointment-${aid}`)?.textContent?.includes('Checked in'),
        id,
        { timeout: 15_000 },
      );
      await page.goto(`${system.urls.web}/appointments/${id}`);
      await expect(page.locator('#appointment-history').textContent()).resolves.toContain(
        'Send withdrawn: No answer from the hospital; phoned the unit',
      );
    } finally {
      await system.parts.gateway.start();
    }
  });

  it('cancels an appointment with a reason, after showing the missing reason by its field', async () => {
    const page = await staffPage();
    const id = appointmentId('am', 5);
    await page.goto(`${system.urls.web}/clinics/${clinicId('am')}`);
    await page.click(`#actions-appointment-${id} a:has-text("Cancel appointment")`);
    await page.click('button:has-text("Cancel appointment")');
    await expect(page.locator('#reason-error').textContent()).resolves.toContain(
      'Enter why the appointment is being cancelled',
    );
    await expectAccessible(page, '08-cancel-with-error');
    await page.fill('#reason', 'Participant asked to rebook');
    await page.click('button:has-text("Cancel appointment")');
    await page.waitForURL(`**/clinics/${clinicId('am')}`);
    await page.waitForFunction(
      (aid) =>
        document.getElementById(`status-appointment-${aid}`)?.textContent?.includes('Cancelled'),
      id,
      { timeout: 15_000 },
    );
    // A cancelled appointment offers nothing more.
    await expect(
      page.locator(`#actions-appointment-${id} a, #actions-appointment-${id} button`).count(),
    ).resolves.toBe(0);
  });

  it('tells the person who clicked, as an error banner with the reason, when appointment refuses their command', async () => {
    const page = await staffPage();
    const id = appointmentId('am', 6);
    await page.goto(`${system.urls.web}/clinics/${clinicId('am')}`);
    await page.click(`#actions-appointment-${id} a:has-text("Did not attend")`);
    await page.fill('#reason', 'Phoned to say she could not come');
    // Meanwhile reception checks her in at the desk.
    await staffBus.checkIn(id);
    await waitForState(system, id, 'checked_in');
    await page.click('button:has-text("Mark as did not attend")');
    await page.waitForURL(`**/clinics/${clinicId('am')}`);
    const banner = page.locator('#notifications .nhsuk-error-summary');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Not marked as did not attend');
    expect(await banner.textContent()).toContain(
      'Cannot mark as did not attend: the participant has checked in',
    );
    await expectAccessible(page, '09-command-refused');
  });

  it('lets a keyboard alone send a participant to the modality', async () => {
    const page = await staffPage();
    const id = appointmentId('pm', 2);
    await page.goto(`${system.urls.web}/clinics/${clinicId('pm')}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to main content',
    );
    /** Presses Tab until the focused element is the one `isTarget` (run in the page) wants. */
    const tabTo = async (isTarget: (rowId: string) => boolean, what: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(isTarget, id)) return;
      }
      throw new Error(`could not reach ${what} with the Tab key`);
    };
    await tabTo((rowId) => {
      const focused = document.activeElement;
      return (
        !!focused?.closest(`#actions-appointment-${rowId}`) &&
        !!focused.textContent?.includes('Send to modality')
      );
    }, 'the send link of the row');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/appointments/${id}/send**`);
    await tabTo(() => {
      const focused = document.activeElement;
      return focused?.tagName === 'BUTTON' && !!focused.textContent?.includes('Send to modality');
    }, 'the send button');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/clinics/${clinicId('pm')}`);
    await page.waitForFunction(
      (aid) =>
        document
          .getElementById(`status-appointment-${aid}`)
          ?.textContent?.includes('With modality'),
      id,
      { timeout: 20_000 },
    );
  });

  it('works without JavaScript: forms post, pages show the state at load and a refresh link', async () => {
    const page = await staffPage(STAFF, { javaScript: false });
    const id = appointmentId('pm', 4);
    await page.goto(`${system.urls.web}/clinics/${clinicId('pm')}`);
    await expect(page.locator('#live-status').textContent()).resolves.toContain('Refresh the page');
    await page.click(`#actions-appointment-${id} button:has-text("Check in")`);
    await page.waitForURL(`**/clinics/${clinicId('pm')}`);
    await waitForState(system, id, 'checked_in');
    await page.click('#live-status a');
    await expect(statusOf(page, id).textContent()).resolves.toContain('Checked in');
    await screenshot(page, '10-clinic-without-javascript');
  });

  it('has no serious or critical accessibility problem on any page, signed out, signed in or showing errors', async () => {
    const visitor = await newVisitor(browser);
    visitors.push(visitor);
    const { page } = visitor;
    await page.goto(`${system.urls.web}/sign-in`);
    await expectAccessible(page, '01-sign-in');
    await page.click('button:has-text("Sign in")');
    await expectAccessible(page, '01-sign-in-with-errors');
    await page.goto(`${system.urls.web}/accessibility`);
    await expectAccessible(page, '12-accessibility-statement');

    await signIn(page, system.urls.web, ADMIN.username, ADMIN.password);
    await page.goto(`${system.urls.web}/appointments/${appointmentId('am', 2)}`);
    await expectAccessible(page, '06-appointment');
    await page.goto(`${system.urls.web}/appointments/${appointmentId('pm', 5)}/did-not-attend`);
    await expectAccessible(page, '11-did-not-attend');
    await page.goto(`${system.urls.web}/admin/accounts`);
    await expectAccessible(page, '13-accounts');
    await page.goto(`${system.urls.web}/admin/accounts/ada/password`);
    await expectAccessible(page, '14-reset-password');
    await page.goto(`${system.urls.web}/admin/accounts/new`);
    await page.click('button:has-text("Add account")');
    await expectAccessible(page, '15-add-account-with-errors');
    await page.goto(`${system.urls.web}/clinics/no-such-clinic`);
    await expectAccessible(page, '16-page-not-found');

    const staff = await staffPage();
    await staff.goto(`${system.urls.web}/admin/accounts`);
    await expect(staff.locator('h1').textContent()).resolves.toContain('You do not have access');
    await expectAccessible(staff, '17-forbidden');
  });
});
