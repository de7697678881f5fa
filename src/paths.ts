// The package root, from src/ (tests) and dist/ (installed) alike.
import {fileURLToPath} from 'node:url'

export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url))
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url))
