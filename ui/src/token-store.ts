/**
 * The admin token lives in sessionStorage: it survives a reload of the tab, is gone when the tab closes, and
 * never appears in a URL (where logs, history and Referer headers would keep it).
 */
const KEY = "tandem.adminToken";

export const tokenStore = {
  get: (): string | undefined => sessionStorage.getItem(KEY) ?? undefined,
  set: (token: string): void => sessionStorage.setItem(KEY, token),
  clear: (): void => sessionStorage.removeItem(KEY),
};
