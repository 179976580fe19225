import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repositoryRoot } from '../system/managed-process';

/** Debian's Chromium (`apt-get install -y chromium`); `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where each run writes its screenshots, for a reviewer to look at (git-ignored). */
export const SCREENSHOTS = path.join(repositoryRoot, 'reports', 'screenshots');

/**
 * The flags that keep a headless Chromium quiet on a machine without internet: no background
 * networking, component updates, sync or QUIC (each would try to reach Google's hosts).
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the one browser a suite shares; fails, never skips, when Chromium is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium), or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

/**
 * A fresh browser profile (its own cookies) that cannot reach the NHS font host (offline here:
 * pages fall back to Arial, as the content security policy allows), and that records what the
 * page complains of: content security policy violations and script errors fail a test.
 */
export async function newVisitor(browser: Browser, options: { javaScript?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  await context.route('https://assets.nhs.uk/**', (route) => route.abort());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
    // A page answered 400/403/404 on purpose (a form with errors, an error page) is not one;
    // the tests check those statuses themselves. Blocked fonts fail by design.
    else if (
      message.type() === 'error' &&
      !/ERR_FAILED|assets\.nhs\.uk|the server responded with a status of [45]\d\d/.test(text)
    )
      problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  return { context, page, problems, close: () => context.close() };
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
    page.click('button:has-text("Sign in")'),
  ]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core on the page as it is now (WCAG 2.0-2.2 A and AA rules and best practices) and
 * returns the serious and critical violations. axe is evaluated through the DevTools protocol,
 * which the page's content security policy does not govern, so the policy stays as it is.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: Array<{
              id: string;
              impact: string | null;
              help: string;
              nodes: Array<{ target: string[] }>;
            }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
