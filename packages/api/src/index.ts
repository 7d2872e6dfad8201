export { parseSelector, selector, selectorFromObject, SelectorError, type Selector, type Requirement, type Operator, type LabelSelectorRequirement } from './labels.js';
export { parseFieldSelector, FieldSelectorError, type FieldSelector, type FieldTerm } from './fields.js';
export { Quantity, QuantityError } from './quantity.js';
export { qualifiedNameError, labelValueError } from './validation.js';
export * from './schema/index.js';
export * from './patch/index.js';
