/** The text (captions and web text) modality provider: {@code caption}. */
package fourm.modality.text;
