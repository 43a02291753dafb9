/**
 * The HA tracker: elects one replica per tenant and Prometheus HA cluster, with Mimir's update and
 * failover timeouts. State is in-process until a KV store (memberlist, consul, etcd) is available.
 */
package mimir.distributor.hatracker;
