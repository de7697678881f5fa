// One file reached by two paths (sites-enabled/app -> ../sites-available/app, or two include
// paths through a linked directory) is one file to change: the plan is re-keyed by where each
// path really is, so the diff names it once (`patch -p0` and `git apply` take it whole) and
// --write edits the link's target, leaving the link a link.
import type {FixPlan} from './edits.js'

export function canonicalPlan(plan: FixPlan, canon: (path: string) => string): {plan: FixPlan; origin: Map<string, string>} {
  const after = new Map<string, string>()
  const before = new Map<string, string>()
  const origin = new Map<string, string>()
  const notes = [...plan.notes]
  const conflicts = new Set<string>()
  for (const [path, text] of plan.after) {
    const real = canon(path)
    const seen = origin.get(real)
    if (seen !== undefined) {
      // The same edits made through both paths agree; if they do not, neither is safe to make.
      if (after.get(real) !== text && plan.before.get(seen) !== after.get(real)) {
        if (plan.before.get(path) === text) continue
        conflicts.add(real)
        notes.push(`${path} and ${seen} are the same file (${real}) and the fixes for them differ; change it by hand`)
      } else if (plan.before.get(seen) === after.get(real)) after.set(real, text)
      continue
    }
    origin.set(real, path)
    after.set(real, text)
    if (plan.before.has(path)) before.set(real, plan.before.get(path)!)
  }
  for (const c of conflicts) {
    after.delete(c)
    before.delete(c)
    origin.delete(c)
  }
  return {plan: {after, before, notes}, origin}
}
