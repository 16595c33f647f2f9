// Worker threads start without whatever TypeScript loader the main thread runs under (tsx, the
// test runner); this plain JavaScript entry registers tsx and then loads the worker.
import { register } from "tsx/esm/api";

register();
await import("./step-worker.ts");
