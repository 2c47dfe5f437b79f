/**
 * Ready-made {@link fourm.api.TokenLayout}s: grids of token ids of any height x width, global tokens, pixel patches,
 * token sequences and embedding sequences, with the reference's positional tables ({@link
 * fourm.api.layout.SinCosTables}). Plugins compose them through {@link fourm.api.layout.Layouts}.
 */
package fourm.api.layout;
