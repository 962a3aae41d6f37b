// Page models of the History screen (issue 11: Publish… with the regression gate, versions and their
// changelogs, labels, signing keys, sync targets) and of the Deployments screen. The specs say what a
// person does and sees; the test ids live here.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class HistoryPage {
  readonly screen: Locator;
  readonly publishOpen: Locator;
  readonly dialog: Locator;
  readonly verdict: Locator;
  readonly summary: Locator;
  readonly failures: Locator;
  readonly note: Locator;
  readonly publishAnyway: Locator;
  readonly overrideReason: Locator;
  readonly publishConfirm: Locator;
  readonly versionRows: Locator;
  readonly labelRows: Locator;
  readonly labelMoves: Locator;
  readonly syncTargets: Locator;

  constructor(readonly page: Page) {
    this.screen = page.getByTestId('history-screen');
    this.publishOpen = page.getByTestId('publish-open');
    this.dialog = page.getByTestId('publish-dialog');
    this.verdict = this.dialog.getByTestId('gate-verdict');
    this.summary = this.dialog.getByTestId('gate-summary');
    this.failures = this.dialog.getByTestId('gate-failure');
    this.note = this.dialog.getByTestId('publish-note');
    this.publishAnyway = this.dialog.getByTestId('publish-anyway');
    this.overrideReason = this.dialog.getByTestId('publish-reason');
    this.publishConfirm = this.dialog.getByTestId('publish-confirm');
    this.versionRows = page.getByTestId('version-row');
    this.labelRows = page.getByTestId('label-row');
    this.labelMoves = page.getByTestId('label-move-row');
    this.syncTargets = page.getByTestId('sync-target');
  }

  /** History from the navigation. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-history').click();
    await expect(this.screen).toBeVisible();
    await expect(this.page.getByTestId('draft-publish-state')).toBeVisible();
  }

  async tab(id: 'versions' | 'labels' | 'keys' | 'sync'): Promise<void> {
    await this.page.getByTestId(`tab-${id}`).click();
    await expect(this.page.getByTestId(`tab-${id}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** Publish…: the dialog opens and the regression gate runs to its end (done). */
  async runGate(): Promise<void> {
    await this.publishOpen.click();
    await expect(this.dialog).toBeVisible();
    await expect(this.dialog.getByTestId('gate-done')).toBeVisible({ timeout: 30_000 });
  }

  /** Publishes from the open dialog (after runGate) and waits for the version to be listed. */
  async confirmPublish(version: number): Promise<void> {
    await this.publishConfirm.click();
    await expect(this.dialog).toHaveCount(0);
    await expect(this.page.getByTestId('toast').filter({ hasText: `Published v${version}.` })).toBeVisible();
    await expect(this.versionRow(version)).toBeVisible();
  }

  /** Publish… with a gate that passes, and a note. */
  async publishPassing(note: string, version: number): Promise<void> {
    await this.runGate();
    await expect(this.verdict).toHaveText('The gate passed: every precedent comes out as taught.');
    await this.note.fill(note);
    await this.confirmPublish(version);
  }

  versionRow(version: number): Locator {
    return this.page.locator(`[data-testid="version-row"][data-version="${version}"]`);
  }

  labelRow(label: string): Locator {
    return this.page.locator(`[data-testid="label-row"][data-label="${label}"]`);
  }

  /** Labels › Move…: the dialog for `label`, a version picked; returns the dialog (not yet confirmed). */
  async startMove(label: string, version: number): Promise<Locator> {
    await this.tab('labels');
    await this.page.getByTestId(`label-move-${label}`).click();
    const dialog = this.page.getByTestId('move-label-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('label-target').selectOption(String(version));
    return dialog;
  }

  /** Moves `label` to `version` with a reason and waits until the labels table says so. */
  async moveLabel(label: string, version: number, reason: string): Promise<void> {
    const dialog = await this.startMove(label, version);
    await dialog.getByTestId('label-reason').fill(reason);
    await dialog.getByTestId('label-confirm').click();
    await expect(dialog).toHaveCount(0);
    await expect(this.labelRow(label).getByTestId('label-version')).toHaveText(`v${version}`);
  }

  /** Sync targets › Add a target…: a folder, by its full path. Returns the target's list item. */
  async addFolderTarget(name: string, folder: string): Promise<Locator> {
    await this.tab('sync');
    await this.page.getByTestId('sync-add').click();
    const dialog = this.page.getByTestId('sync-target-dialog');
    await dialog.getByTestId('sync-kind-folder').check();
    await dialog.getByTestId('sync-name').fill(name);
    await dialog.getByTestId('sync-path').fill(folder);
    await dialog.getByTestId('sync-save').click();
    await expect(dialog).toHaveCount(0);
    const target = this.syncTargets.filter({ hasText: name });
    await expect(target).toHaveCount(1);
    return target;
  }

  /** Signing keys › the active key's Export PEM: the downloaded file's name and content. */
  async exportActivePem(): Promise<{ name: string; pem: string; keyId: string }> {
    await this.tab('keys');
    const key = this.page.getByTestId('signing-key').filter({ has: this.page.locator('.badge', { hasText: /^active$/ }) });
    await expect(key).toHaveCount(1);
    const keyId = (await key.getAttribute('data-key-id'))!;
    const [download] = await Promise.all([this.page.waitForEvent('download'), key.getByRole('button', { name: 'Export PEM' }).click()]);
    const pem = await readFile((await download.path())!, 'utf8');
    // What the screen shows is what was saved.
    await expect(key.getByTestId('key-pem')).toHaveText(pem.trim());
    return { name: download.suggestedFilename(), pem, keyId };
  }
}

export class DeploymentsPage {
  readonly screen: Locator;
  readonly refresh: Locator;
  readonly services: Locator;

  constructor(readonly page: Page) {
    this.screen = page.getByTestId('deployments-screen');
    this.refresh = page.getByTestId('deployments-refresh');
    this.services = page.getByTestId('deployment-service');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-deployments').click();
    await expect(this.screen).toBeVisible();
  }

  group(label: string): Locator {
    return this.page.locator(`[data-testid="deployment-group"][data-label="${label}"]`);
  }

  service(name: string): Locator {
    return this.page.locator(`[data-testid="deployment-service"][data-service="${name}"]`);
  }

  /** Add a service…: its name and the URL of its status report. */
  async addService(name: string, statusUrl: string): Promise<void> {
    await this.page.getByTestId('deployment-add').click();
    const dialog = this.page.getByTestId('deployment-dialog');
    await dialog.getByTestId('deployment-name').fill(name);
    await dialog.getByTestId('deployment-url').fill(statusUrl);
    await dialog.getByTestId('deployment-save').click();
    await expect(dialog).toHaveCount(0);
  }

  /** Refresh, and wait until the poll has answered. */
  async refreshNow(): Promise<void> {
    await expect(this.refresh).toHaveText('Refresh');
    await this.refresh.click();
    await expect(this.refresh).toHaveText('Refresh');
  }
}
