// The page's pure logic (utils/ of each page): plain TypeScript, tested in Node.
module.exports = require('../../jest.preset.cjs')({ dir: __dirname });
