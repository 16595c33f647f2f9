// The body of the training worker thread: serves half-steps until told to stop.
import { parentPort, workerData } from "node:worker_threads";
import { serveSteps, type WorkerSetup } from "./parallel.ts";

serveSteps(workerData as WorkerSetup, () => parentPort?.postMessage("ready"));
