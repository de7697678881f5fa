// sysctl.conf / sysctl.d parsing: one file's text in, assignments with file:line:col out.
export {parseSysctlConf} from './conf.js'
export type {SysctlComment, SysctlConf, SysctlEntry, SysctlExclusion, SysctlParseOptions} from './conf.js'
export {isGlobKey, normalizeSysctlKey, sysctlKeyToPath, sysctlPathToKey} from './key.js'
