/** Contract tests for modality plugins and access to the reference's golden files. */
package fourm.testing;
