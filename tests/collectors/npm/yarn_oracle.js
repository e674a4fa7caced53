// yarn itself as the oracle: for each JSON line {"text": ...} on stdin, one JSON line saying
// whether yarn 1 could install from that yarn.lock. It parses the text with yarn's own
// lockfile parser (lib/lockfile/parse.js of Debian's yarnpkg, given as argv[2]) and then
// applies what yarn checks when it installs from an entry: the entry is a table with a
// version, and the tarball it downloads must match `integrity` and the sha1 after '#' in a
// tarball URL (tests/collectors/npm/test_yarn_oracle.py runs real installs for that part).
const fs = require('fs');
const Module = require('module');
const parse = require(process.argv[2]).default;
// The same file once more with its Parser exported: yarn's parser stops without a word at a
// line indented deeper than it expects and ignores the rest of the file; whether it read the
// whole text is asked of the parser's last token.
const copy = new Module(process.argv[2]);
copy.paths = module.paths.concat(process.env.NODE_PATH ? process.env.NODE_PATH.split(':') : []);
copy._compile(fs.readFileSync(process.argv[2], 'utf8') + '\nexports.Parser = Parser;\n', process.argv[2]);
const {Parser} = copy.exports;
const SIZES = {sha1: 20, sha256: 32, sha384: 48, sha512: 64};

function integrityOk(text) {
  const parts = String(text).split(/\s+/).filter(Boolean);
  if (!parts.length) return true;
  return parts.some((part) => {
    const [algorithm, ...rest] = part.split('-');
    const digest = rest.join('-').split('?')[0];
    // ssri compares the base64 text: only the canonical encoding of the right size matches
    const bytes = Buffer.from(digest, 'base64');
    return SIZES[algorithm] !== undefined && bytes.length === SIZES[algorithm]
      && bytes.toString('base64') === digest;
  });
}

function fragmentOk(resolved) {
  const text = String(resolved);
  if (!/^https?:\/\//.test(text) || !text.includes('#') || /\.git(#|$)/.test(text)) return true;
  const fragment = text.slice(text.lastIndexOf('#') + 1);
  return fragment === '' || /^[0-9a-fA-F]{40}$/.test(fragment);
}

function verdict(text) {
  let result;
  try {
    result = parse(text, 'yarn.lock');
  } catch (error) {
    return {refused: 'parse: ' + String(error.message).slice(0, 160)};
  }
  if (result.type === 'success') {
    const parser = new Parser(text.replace(/^\uFEFF/, ''), 'yarn.lock');
    parser.next();
    parser.parse();
    if (parser.token.type !== 'EOF') {
      return {refused: `yarn stopped reading at line ${parser.token.line} and ignores the rest`};
    }
  }
  for (const [key, entry] of Object.entries(result.object)) {
    if (typeof entry !== 'object' || entry === null) return {refused: `entry ${key} is not a table`};
    if (entry.version === undefined) return {refused: `entry ${key} has no version`};
    if (entry.integrity !== undefined && !integrityOk(entry.integrity)) {
      return {refused: `entry ${key}: integrity no tarball can match`};
    }
    if (entry.resolved !== undefined && !fragmentOk(entry.resolved)) {
      return {refused: `entry ${key}: sha1 no tarball can match`};
    }
  }
  return {refused: null, entries: Object.keys(result.object).length};
}

const lines = require('readline').createInterface({input: process.stdin});
lines.on('line', (line) => {
  process.stdout.write(JSON.stringify(verdict(JSON.parse(line).text)) + '\n');
});
