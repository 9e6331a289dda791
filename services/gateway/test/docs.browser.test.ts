import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { operations } from '@skico/contracts';
import { repoRoot, startTestStack, type TestStack } from '@skico/stack';
import { chromiumLaunchOptions } from '@skico/test-kit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the interactive docs in a real browser', () => {
  it('when /docs is opened, then every operation is listed and "try it" on GET /resorts answers 200', async () => {
    const page = await browser.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(`${stack.gatewayUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBe(operations.length);

    const listResorts = page.locator('#operations-resorts-listResorts');
    await listResorts.locator('.opblock-summary').click();
    // The page opens with "try it out" switched on, so Execute is there at once.
    await listResorts.getByRole('button', { name: 'Execute' }).click();
    const status = listResorts.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    expect((await status.textContent())?.trim()).toBe('200');
    await expect
      .poll(async () => listResorts.locator('.live-responses-table .microlight').first().textContent())
      .toContain('Alpine Crest');

    await mkdir(join(repoRoot, '.reports'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, '.reports', 'docs.png'), fullPage: false });
    // Self-contained: nothing was fetched from anywhere but the gateway.
    expect(failedRequests).toEqual([]);
  });
});
