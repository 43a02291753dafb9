/**
 * Uploading a tenant's blocks to the blocks storage in Mimir's layout, {@code meta.json} last, and
 * remembering what was uploaded in {@code shipper.json} so restarts neither repeat nor lose uploads.
 */
package mimir.ingester.shipper;
