// jest's buffered console swallows and reformats oclif output; plain node Console keeps it honest.
const {Console} = require('node:console')
global.console = new Console({stdout: process.stdout, stderr: process.stderr})
