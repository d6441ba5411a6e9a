// jmespath exports `compile` (parse without evaluating); its published types omit it.
export {};
declare module 'jmespath' {
  export function compile(expression: string): unknown;
}
