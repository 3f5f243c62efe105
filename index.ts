// Entry point of the aks-platform Pulumi program (`pulumi up`, `pulumi preview`).
// The program itself is in stack.ts; the components are in components/.
import { createStack } from './stack';

export = createStack();
