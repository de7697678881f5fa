import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {escapeTerminal} from '../text/escape.js'
import {modelFlags} from '../cli/flags.js'
import {modelOptions} from '../cli/flag-values.js'
import {EXIT, UserError} from '../errors.js'

export default class Fix extends BaseCommand {
  static summary = 'Turn findings into changes: unified diffs for config files and one sysctl.d drop-in; --write applies them'
  static description = `With PATHs, fixes configuration files in a repository (as check reads them); without, this host (or the tree under --root). Diffs go to stdout or, one per file, to --out DIR; they apply with \`patch -p0\` or \`git apply -p0\` from the directory conntune ran in. Kernel settings become one sysctl.d drop-in (90-conntune.conf), and lines applied after it that set the same keys are removed. --write applies everything atomically with a backup beside each file, refuses when a file changed since it was read, and restores every file if one write fails. The running kernel is left alone unless --apply-sysctl is given.`
  static examples = ['<%= config.bin %> fix deploy/ > conntune.patch && patch -p0 < conntune.patch', '<%= config.bin %> fix --out fixes/', '<%= config.bin %> fix --write --apply-sysctl']
  static strict = false
  static args = {paths: Args.string({description: 'Files or directories of a repository (default: this host)'})}
  static flags = {
    root: Flags.string({description: 'Fix the host tree under DIR instead of /', default: '/', helpValue: 'DIR'}),
    kind: Flags.string({description: 'Treat every named file as this kind (with PATHs)'}),
    out: Flags.string({description: 'Write one .patch per file (and nothing else) into DIR', helpValue: 'DIR', exclusive: ['write']}),
    write: Flags.boolean({description: 'Apply the changes: atomic, with a backup beside each file'}),
    prefer: Flags.string({description: 'Where to fix a hop whose backend closes idle connections first: raise the backend\'s idle timeout (keeps reuse), or lower nginx\'s upstream keepalive_timeout', options: ['backend', 'proxy'], default: 'backend'}),
    'apply-sysctl': Flags.boolean({description: 'With --write on this host: also load the drop-in into the running kernel (sysctl -p FILE)', dependsOn: ['write']}),
    ...modelFlags,
  }

  async run(): Promise<unknown> {
    const {argv, flags} = await this.parse(Fix)
    const paths = argv as string[]
    // The running kernel is this host's: loading a drop-in written for a repository or a --root tree would change the wrong machine.
    if (flags['apply-sysctl'] && (paths.length > 0 || flags.root !== '/')) throw new UserError('--apply-sysctl loads the drop-in into this host\'s kernel: it needs --write on this host (no PATHs, no --root)')
    const [{loadRules}, {auditSnapshots}, {planConverged, snapshotTexts}, {planPatches}, {loadProject}, {resolve, join, relative, isAbsolute}] = await Promise.all([
      import('../rules/load.js'),
      import('../pipeline/audit.js'),
      import('../fix/converge.js'),
      import('../fix/diff.js'),
      import('../config/project.js'),
      import('node:path'),
    ])
    const rules = await loadRules(flags.rules ?? [])
    const project = await loadProject({explicit: flags.config, searchFrom: [...paths, process.cwd()]})
    const opts = {failOn: 'none' as const, project, ...modelOptions(flags)}
    let input
    if (paths.length > 0) {
      const {collectFiles} = await import('../sources/files.js')
      const checked = collectFiles(paths, {kind: flags.kind as never, toolVersion: this.config.version})
      input = {snapshot: checked.snapshot, source: 'files' as const, entries: checked.entries}
    } else {
      const {gatherSnapshots} = await import('../sources/index.js')
      input = (await gatherSnapshots({root: flags.root, toolVersion: this.config.version}))[0]
    }
    const result = auditSnapshots([input], rules, opts)
    const texts = snapshotTexts(input.snapshot)
    const planned = planConverged(input.snapshot, result.findings, (snapshot) => auditSnapshots([{...input, snapshot}], rules, opts).findings, {prefer: flags.prefer as 'backend' | 'proxy'})
    const {canonicalPlan} = await import('../fix/canonical.js')
    const {checkBoundary, resolveForWrite, rootBoundary, OUTSIDE} = await import('../sources/contain.js')
    // Writes are contained like reads: a repo's files stay in the checkout, a --root tree's in
    // it (absolute links re-rooted), and a link is written through to its target.
    const boundary = paths.length > 0 ? checkBoundary({trees: [process.cwd(), ...paths.map((p) => resolve(p))], map: []}) : flags.root === '/' ? {trees: ['/'], rebase: (t: string) => t} : rootBoundary(flags.root)
    const base = boundary.floor ?? ''
    const place = (p: string): string => {
      const r = resolveForWrite(base + p, boundary)
      if ('error' in r) throw new UserError(`${p}: ${r.error === OUTSIDE ? `leads outside ${paths.length > 0 ? 'the checked tree' : flags.root}; refused` : `cannot resolve: ${r.error}`}; nothing was changed`)
      return r.real
    }
    const canon = (p: string): string => {
      const r = resolveForWrite(base + p, boundary)
      if ('error' in r) return p
      return base && r.real.startsWith(`${base}/`) ? r.real.slice(base.length) : r.real
    }
    const {plan, origin} = canonicalPlan(planned, canon)
    const existed = (p: string) => texts[origin.get(p) ?? p] !== undefined
    // In a repo, patches name files relative to where conntune ran; on a host, as on the host.
    const shown = (p: string) => (paths.length > 0 && isAbsolute(p) && !relative(process.cwd(), p).startsWith('..') ? relative(process.cwd(), p) : p)
    const patches = planPatches(plan, existed).map(({file, patch}) => ({file: shown(file), patch: patch.replaceAll(file, shown(file))}))
    for (const n of plan.notes) process.stderr.write(`conntune: not changed: ${escapeTerminal(n)}\n`)

    let written: Array<{file: string; backup: string | null; created: boolean}> = []
    if (flags.write) {
      const {applyPlan} = await import('../fix/write.js')
      written = applyPlan(plan, place, {existed})
      const dropIn = written.find((w) => w.file.endsWith('/90-conntune.conf'))
      if (dropIn && flags['apply-sysctl']) {
        const {execFileSync} = await import('node:child_process')
        try {
          execFileSync('sysctl', ['-p', dropIn.file], {stdio: ['ignore', 'ignore', 'inherit']})
        } catch (error) {
          const e = error as NodeJS.ErrnoException & {status?: number}
          throw new UserError(`sysctl -p ${dropIn.file} failed (${e.code ?? `exit ${e.status}`}); the files are written (backups beside them), the running kernel may be partly changed`)
        }
      } else if (dropIn) {
        process.stderr.write(`conntune: wrote ${escapeTerminal(dropIn.file)}; load it with \`sysctl --system\` (or \`sysctl -p ${dropIn.file}\`)\n`)
      }
    } else if (flags.out) {
      const {mkdirSync} = await import('node:fs')
      const {writeFileAtomic} = await import('../cli/write.js')
      mkdirSync(flags.out, {recursive: true})
      for (const p of patches) writeFileAtomic(join(flags.out, `${p.file.replace(/^\/+/, '').replace(/[/\\]/g, '__')}.patch`), p.patch)
    }
    this.finish(EXIT.ok)
    const fixable = result.findings.filter((f) => f.fix?.actions.length).length
    if (this.jsonEnabled()) return {findings: result.findings.length, fixable, patches, notes: plan.notes, written}
    if (flags.write) {
      for (const w of written) this.log(escapeTerminal(`${w.created ? 'created' : 'changed'} ${shown(w.file)}${w.backup ? ` (backup: ${w.backup})` : ''}`))
      if (written.length === 0) this.log('Nothing to change.')
    } else if (flags.out) {
      this.log(`wrote ${patches.length} patch${patches.length === 1 ? '' : 'es'} to ${flags.out}`)
    } else if (patches.length === 0) {
      process.stderr.write('conntune: nothing to change\n')
    } else {
      process.stdout.write(patches.map((p) => p.patch).join(''))
    }
    return undefined
  }
}
