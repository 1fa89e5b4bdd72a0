// kafkasink: frame analytics -> versioned JSON events -> Kafka (or a JSON-lines file), never
// losing an event and never blocking the video on the network. Glue only; the work is in
// core/schema (envelope) and core/delivery (spool + librdkafka).
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RETAIL_KAFKA_SINK (gst_retail_kafka_sink_get_type())
G_DECLARE_FINAL_TYPE(GstRetailKafkaSink, gst_retail_kafka_sink, GST, RETAIL_KAFKA_SINK, GstBaseSink)

#define GST_TYPE_RETAIL_KAFKA_SINK_SPOOL_FULL (gst_retail_kafka_sink_spool_full_get_type())
GType gst_retail_kafka_sink_spool_full_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(kafkasink);

G_END_DECLS
