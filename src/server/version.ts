/** FileFlow's version, shown in the OpenAPI document. */
export const VERSION = '0.1.0';
