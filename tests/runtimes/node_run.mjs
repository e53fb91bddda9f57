// Runs the scenario in Node: node node_run.mjs <bundle> <receiver URL> <secret>
import { scenario } from "./scenario.mjs";

const [bundle, receiver, secret] = process.argv.slice(2);
const mod = await import(bundle);
console.log(JSON.stringify(await scenario(mod, receiver, secret)));
