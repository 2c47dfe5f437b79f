/**
 * File writing shared by every fourm module: {@link fourm.api.io.AtomicFiles} writes a file under a temporary name,
 * forces it to disk and renames it into place, so that no reader ever sees half a file, with one permission policy.
 */
package fourm.api.io;
