// Ant Design controls as a user works them: a Select opens on a click and its list lives in a
// popup at the end of the page, so a test clicks the control, then the option in the open popup.
import type { Page } from 'playwright-core';

/**
 * The popup list of the Select with this test id, found by its own options: a popup of another
 * Select may still be on the page for a moment while its closing animation runs.
 */
const popupOf = (page: Page, testId: string) => page.locator('.ant-select-dropdown').filter({ has: page.locator(`[data-testid^="${testId}-"]`) });

/**
 * Chooses `value` in the Select with this test id (its options carry `<testId>-<value>`) the way a
 * keyboard user does: open it, arrow to the option, Enter. A pointer click on an option far down
 * a scrolled list can land while the list is still scrolling, so the keys are the steady way.
 */
export async function choose(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).click();
  const popup = popupOf(page, testId);
  const wanted = popup.locator(`[data-testid="${testId}-${value}"]`);
  await wanted.waitFor();
  const ids = await popup
    .locator('.ant-select-item-option')
    .evaluateAll((els) => els.map((el) => [el.getAttribute('data-testid'), el.classList.contains('ant-select-item-option-active')] as const));
  const target = ids.findIndex(([id]) => id === `${testId}-${value}`);
  let at = ids.findIndex(([, active]) => active);
  if (at < 0) at = 0;
  for (; at < target; at++) await page.keyboard.press('ArrowDown');
  for (; at > target; at--) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await popup.waitFor({ state: 'hidden' });
}

/** The words of every option of the Select with this test id, as its open list shows them. */
export async function optionTexts(page: Page, testId: string): Promise<string[]> {
  await page.getByTestId(testId).click();
  const popup = popupOf(page, testId);
  const options = popup.locator('.ant-select-item-option');
  await options.first().waitFor();
  const texts = await options.allTextContents();
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'hidden' });
  return texts;
}

/** The text a Select shows for its chosen option. */
export async function chosenText(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).locator('.ant-select-content').textContent()) ?? '';
}

/** The handle `index` (0: the first, 1: a range's second) of the Ant Design Slider inside the element with this test id. */
export function sliderHandle(page: Page, testId: string, index = 0) {
  return page.getByTestId(testId).locator('.ant-slider-handle').nth(index);
}

/** A Slider handle's value, as it announces it (aria-valuenow). */
export async function sliderValue(page: Page, testId: string, index = 0): Promise<number> {
  return Number(await sliderHandle(page, testId, index).getAttribute('aria-valuenow'));
}

/**
 * Moves a Slider handle to `value` the way a keyboard user does: focus the handle, then the arrow
 * keys one step at a time until it announces that value (or cannot go further: a range's handles
 * stop short of each other). Home/End first when the value lies nearer that end.
 */
export async function slideTo(page: Page, testId: string, index: number, value: number, step: number): Promise<void> {
  const handle = sliderHandle(page, testId, index);
  await handle.focus();
  const min = Number(await handle.getAttribute('aria-valuemin'));
  const max = Number(await handle.getAttribute('aria-valuemax'));
  let now = await sliderValue(page, testId, index);
  if (Math.abs(value - min) < Math.abs(value - now)) await handle.press('Home');
  else if (Math.abs(max - value) < Math.abs(value - now)) await handle.press('End');
  now = await sliderValue(page, testId, index);
  for (let i = 0; i < 5000 && Math.abs(now - value) > step / 2; i++) {
    await handle.press(value > now ? 'ArrowRight' : 'ArrowLeft');
    const next = await sliderValue(page, testId, index);
    if (next === now) break; // at a limit
    now = next;
  }
}
