/**
 * Whether an object was garbage-collected: tests that prove we let go of something (sip.js's transactions, a
 * settled call's options) hold it only through a WeakRef and ask this. Runs a full GC from inside the test
 * process (V8's --expose-gc, switched on here) after the current job ends, since a WeakRef keeps its target alive
 * until then.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

export async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return ref.deref() === undefined;
}
