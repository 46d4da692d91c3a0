/**
 * Preloaded with `node --import` into every process netlab spawns, so that TypeScript files
 * (lab demos run from source, the learner's exercise) run on Node 20 as they are.
 */
import { register } from 'node:module';

register('./loader-hooks.js', import.meta.url);
