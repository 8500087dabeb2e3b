// The parser alone, without the package index (whose file parser needs Node's fs); its types are the package's own.
declare module "cron-parser/dist/CronExpressionParser.js" {
  export { CronExpressionParser } from "cron-parser";
}
