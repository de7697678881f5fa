export {SIGNATURES, ACCESS_NEEDLE, keepLine, classify, type Signature, type SignatureClass} from './signatures.js'
export {parseErrorLogLine, upstreamPeer, type ErrorLogEvent} from './error-log.js'
export {compileLogFormat, COMBINED_FORMAT, GATEWAY_STATUSES, type AccessLogEvent, type AccessLogMatcher} from './access-log.js'
export {nginxLogTargets, nginxBuildPaths, type LogTarget, type LogTargets} from './targets.js'
