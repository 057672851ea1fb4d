// The polyfill as the one property of a plain object (see ./index.ts for why).
module.exports = { browser: require('webextension-polyfill/dist/browser-polyfill.js') };
