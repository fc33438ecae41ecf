import { test as setup } from '@playwright/test';
import { signInAsGuest, storageStatePath } from './pages';

// Signs in once; the tests start from the saved session instead of the sign-in page.
setup('sign in as the guest', async ({ page }) => {
  await signInAsGuest(page);
  await page.context().storageState({ path: storageStatePath });
});
