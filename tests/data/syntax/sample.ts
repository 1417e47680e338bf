// TypeScript sample
import { x } from "./x";
interface Point { x: number; y: number }
const msg = `sum: ${1 + 2}
still template`;
/* block */ export async function f(p: Point): Promise<void> {
  let n = 42n, s = 'a\'b';
  return await g(p) ?? null;
}
