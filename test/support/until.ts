/** Polls `predicate` every 10 ms until it holds; rejects after `timeoutMs` naming `what` it waited for. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 8000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
